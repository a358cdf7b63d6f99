package dev.renderbank.bank;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bank test's clients: each thread plays one user, picking at random generate (image and
 * video, with and without Idempotency-Key, some keys sent twice), cancel, status, a status stream,
 * a Creem-signed pack purchase (sent more than once, sometimes twice at the same moment, some with
 * a refund before or after) and admin grants with Idempotency-Key. It records what was accepted
 * and every answer; a 5xx other than a 503 with Retry-After is a violation on the spot.
 */
final class BankClients {

    private static final Pattern TASK_ID = Pattern.compile("\"taskId\"\\s*:\\s*\"([^\"]+)\"");
    private static final String[] PACKS = {"pack-200", "pack-500", "pack-1000"};

    record User(long id, String token, String email) {}

    final Map<String, Long> accepted = new ConcurrentHashMap<>();
    /** Orders whose checkout event the app acknowledged with 200: each must be granted exactly once. */
    final Map<String, Long> purchases = new ConcurrentHashMap<>();

    final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final LongAdder requests = new LongAdder();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();
    private final Supplier<List<String>> nodes;
    private final String adminToken;
    private final BankLedger db;

    BankClients(Supplier<List<String>> nodes, String adminToken, BankLedger db) {
        this.nodes = nodes;
        this.adminToken = adminToken;
        this.db = db;
    }

    /** Runs one thread per user until {@code until}; returns when all have stopped. */
    void run(List<User> users, Instant until) throws InterruptedException {
        run(users, () -> until);
    }

    /** The same with an end that may move later while the clients run (read before each request). */
    void run(List<User> users, Supplier<Instant> until) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(users.size());
        for (User user : users) {
            pool.submit(() -> play(user, until));
        }
        pool.shutdown();
        while (!pool.awaitTermination(
                Duration.between(Instant.now(), until.get()).toSeconds() + 180, TimeUnit.SECONDS)) {
            if (Instant.now().isBefore(until.get())) {
                continue;
            }
            violations.add("clients did not stop within 3 minutes of the end of the run");
            pool.shutdownNow();
            break;
        }
    }

    private void play(User user, Supplier<Instant> until) {
        List<String> mine = new ArrayList<>();
        String[] lastKey = new String[3]; // key, body, task of the last keyed generate
        String[] lastOrder = {null};
        while (Instant.now().isBefore(until.get())) {
            int roll = ThreadLocalRandom.current().nextInt(100);
            try {
                if (roll < 30) {
                    generate(user, "image", mine, lastKey);
                } else if (roll < 38) {
                    generate(user, "video", mine, lastKey);
                } else if (roll < 46) {
                    pick(mine)
                            .ifPresent(job -> call(
                                    "cancel",
                                    user.token(),
                                    "POST",
                                    "/api/v1/generations/" + job + "/cancel",
                                    "{}",
                                    null));
                } else if (roll < 66) {
                    pick(mine).ifPresent(job -> status(user, job));
                } else if (roll < 71) {
                    pick(mine).ifPresent(job -> stream(user, job));
                } else if (roll < 79) {
                    lastOrder[0] = purchase(user);
                } else if (roll < 83 && lastOrder[0] != null) {
                    refund(lastOrder[0]);
                } else if (roll < 88) {
                    grant(user);
                } else {
                    call("credits", user.token(), "GET", "/api/v1/credits", null, null);
                }
            } catch (RuntimeException e) {
                violations.add("client error: " + e);
            }
        }
    }

    private static Optional<String> pick(List<String> jobs) {
        return jobs.isEmpty()
                ? Optional.empty()
                : Optional.of(jobs.get(ThreadLocalRandom.current().nextInt(jobs.size())));
    }

    private void generate(User user, String type, List<String> mine, String[] last) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        boolean repeat = last[0] != null && r.nextInt(5) == 0;
        String key = repeat ? last[0] : r.nextInt(10) < 6 ? UUID.randomUUID().toString() : null;
        String body = repeat
                ? last[1]
                : type.equals("image")
                        ? "{\"model\":\"nano-banana\",\"prompt\":\"bank image " + r.nextInt(1_000_000) + "\"}"
                        : "{\"model\":\"sora-2\",\"prompt\":\"bank video " + r.nextInt(1_000_000)
                                + "\",\"durationSeconds\":10}";
        String path = body.contains("sora-2") ? "/api/v1/generate-video" : "/api/v1/generate-image";
        Answer a = call(repeat ? "generate-repeat" : "generate", user.token(), "POST", path, body, key);
        Matcher m = TASK_ID.matcher(a.body);
        if (a.status / 100 == 2 && m.find()) {
            String task = m.group(1);
            accepted.put(task, user.id());
            mine.add(task);
            if (repeat && last[2] != null && !last[2].equals(task)) {
                violations.add("Idempotency-Key " + key + " answered two jobs: " + last[2] + " and " + task);
            }
            if (key != null) {
                last[0] = key;
                last[1] = body;
                last[2] = task;
            }
        }
    }

    private void status(User user, String job) {
        Answer a = call("status", user.token(), "GET", "/api/v1/generations/" + job, null, null);
        if (a.status == 404) {
            violations.add("accepted job " + job + " is not found (404)");
        }
    }

    /** Opens the job's event stream, reads for up to 2 s, closes it. */
    private void stream(User user, String job) {
        String node = node();
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + "/api/v1/generations/" + job + "/events"))
                .header("Authorization", "Bearer " + user.token())
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .build();
        requests.increment();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            count(
                    "events",
                    response.statusCode(),
                    response.headers().firstValue("Retry-After").isPresent(),
                    "");
            try (InputStream in = response.body()) {
                var closing = closer.schedule(
                        () -> {
                            try {
                                in.close();
                            } catch (IOException ignored) {
                                // closing is all we wanted
                            }
                        },
                        2,
                        TimeUnit.SECONDS);
                byte[] buffer = new byte[4096];
                while (in.read(buffer) >= 0) {
                    // the events themselves are checked by the status reads and the verdict
                }
                closing.cancel(false);
            }
        } catch (IOException e) {
            answers.computeIfAbsent("events closed", k -> new LongAdder()).increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A Creem-signed pack purchase, sent until acknowledged; extra copies, concurrent copies, refunds. */
    private String purchase(User user) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String order = "ord_bank_" + UUID.randomUUID();
        String pack = PACKS[r.nextInt(PACKS.length)];
        if (!opened(order, user, pack)) {
            return null; // the database was down for the whole wait: no checkout, no purchase
        }
        String event = SignedPurchases.checkout(order, pack, user.id(), user.email());
        boolean refundFirst = r.nextInt(10) == 0;
        if (refundFirst) {
            refund(order);
        }
        if (deliver("purchase", event)) {
            purchases.put(order, user.id());
        }
        int copies = r.nextInt(3);
        if (copies > 0) {
            // duplicates: Creem retries, sometimes two deliveries race each other
            List<Thread> racers = new ArrayList<>();
            for (int i = 0; i < copies; i++) {
                Thread racer = new Thread(() -> deliver("purchase-copy", event));
                racer.start();
                racers.add(racer);
            }
            for (Thread t : racers) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return order;
    }

    /**
     * The checkout renderbank opens before its buyer pays (only an opened checkout grants), recorded
     * in the database directly, tried for up to 2 minutes while the chaos has the database down.
     */
    private boolean opened(String order, User user, String pack) {
        Instant giveUp = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(giveUp)) {
            try {
                db.openCheckout(SignedPurchases.checkoutId(order), user.id(), pack);
                return true;
            } catch (java.sql.SQLException e) {
                sleep(1000);
            }
        }
        return false;
    }

    private void refund(String order) {
        deliver("refund", SignedPurchases.refund(order, 500));
    }

    /** Sends a signed webhook until it is acknowledged (200), as the provider would, for up to 2 minutes. */
    private boolean deliver(String op, String body) {
        Instant giveUp = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(giveUp)) {
            Answer a = call(op, null, "POST", "/api/webhooks/creem", body, null, SignedPurchases.sign(body));
            if (a.status == 200) {
                return true;
            }
            if (a.status != 503 && a.status != -1) {
                violations.add(op + " answered " + a.status + ": " + a.body);
                return false;
            }
            sleep(1000);
        }
        return false;
    }

    private void grant(User user) {
        String key =
                "bank-grant-" + user.id() + "-" + ThreadLocalRandom.current().nextInt(20);
        call(
                "grant",
                adminToken,
                "POST",
                "/api/v1/admin/users/" + user.id() + "/grants",
                "{\"amount\":50,\"reason\":\"bank test\",\"notify\":true}",
                key);
    }

    record Answer(int status, String body) {}

    Answer call(String op, String token, String method, String path, String body, String idempotencyKey) {
        return call(op, token, method, path, body, idempotencyKey, null);
    }

    /**
     * One request to a random live node; a refused connection (node down) tries another node, as a
     * load balancer would (nothing was sent). Status -1: no answer (timeout, connection cut).
     */
    Answer call(String op, String token, String method, String path, String body, String key, String creemSig) {
        for (int attempt = 0; attempt < 6; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node() + path))
                    .timeout(Duration.ofSeconds(90))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (key != null) {
                b.header("Idempotency-Key", key);
            }
            if (creemSig != null) {
                b.header("creem-signature", creemSig);
            }
            requests.increment();
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                count(op, r.statusCode(), r.headers().firstValue("Retry-After").isPresent(), r.body());
                return new Answer(r.statusCode(), r.body());
            } catch (ConnectException e) {
                answers.computeIfAbsent(op + " refused", k -> new LongAdder()).increment();
                sleep(500);
            } catch (IOException e) {
                answers.computeIfAbsent(op + " io", k -> new LongAdder()).increment();
                return new Answer(-1, "");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(-1, "");
            }
        }
        return new Answer(-1, "");
    }

    private void count(String op, int status, boolean retryAfter, String body) {
        answers.computeIfAbsent(op + " " + status, k -> new LongAdder()).increment();
        if (status >= 500 && !(status == 503 && retryAfter)) {
            violations.add(op + " answered " + status + (retryAfter ? "" : " without Retry-After") + ": "
                    + body.substring(0, Math.min(200, body.length())));
        }
    }

    private String node() {
        List<String> live = nodes.get();
        return live.get(ThreadLocalRandom.current().nextInt(live.size()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void close() {
        closer.shutdownNow();
    }
}
