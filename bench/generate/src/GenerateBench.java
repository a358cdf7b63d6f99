import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load harness of bench/generate (driven by run.sh; not a test). Subcommands:
 *
 * <ul>
 *   <li>{@code seed}: 1,000 users with API tokens and credits, written straight into the database
 *       (app_user, api_token = SHA-256 of the token, credit_account + credit_grant + a GRANT
 *       ledger_entry, so the ledger invariants hold).
 *   <li>{@code accept}: open-loop load (fixed arrival rate, latency from the intended send time,
 *       so a stalled server cannot hide its queueing: no coordinated omission) of
 *       {@code POST /api/v1/generate-image} and, as the baseline, {@code GET /api/v1/credits}, at
 *       increasing rates; then the in-flight checkpoint (live jobs counted in SQL, app RSS).
 *   <li>{@code callbacks}: POSTs KIE callbacks for jobs whose simulator task has finished and
 *       measures callback → CAPTURE ledger entry.
 *   <li>{@code report}: the Markdown section from the collected results.
 * </ul>
 *
 * Results go to {@code $BENCH_OUT/results.txt} (key=value, appended) plus raw latency files.
 * Only the JDK and the PostgreSQL JDBC driver are needed.
 */
public final class GenerateBench {

    static final Path OUT = Path.of(env("BENCH_OUT", "bench/generate/out"));
    static final Path RESULTS = OUT.resolve("results.txt");
    static final String LIVE = "('RESERVED','SUBMITTED','RUNNING','UNKNOWN')";

    public static void main(String[] args) throws Exception {
        Files.createDirectories(OUT);
        switch (args.length == 0 ? "" : args[0]) {
            case "seed" -> seed();
            case "accept" -> accept();
            case "callbacks" -> callbacks();
            case "report" -> report(args.length > 1 ? Path.of(args[1]) : null);
            default -> {
                System.err.println("usage: GenerateBench seed|accept|callbacks|report [docs/BENCHMARKS.md]");
                System.exit(2);
            }
        }
    }

    // ---------------------------------------------------------------- seed

    static void seed() throws Exception {
        int users = Integer.parseInt(env("BENCH_USERS", "1000"));
        long credits = Long.parseLong(env("BENCH_CREDITS", "10000000"));
        String run = Long.toString(System.currentTimeMillis(), 36);
        SecureRandom random = new SecureRandom();
        long started = System.nanoTime();
        List<String> lines = new ArrayList<>();
        try (Connection c = db()) {
            c.setAutoCommit(false);
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into app_user (email, password_hash, display_name, role, email_verified)
                    select 'bench-' || ? || '-' || g || '@bench.invalid', '!no-login', 'Bench user ' || g, 'USER', true
                      from generate_series(1, ?) g
                    returning id""")) {
                ps.setString(1, run);
                ps.setInt(2, users);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("insert into api_token (user_id, token_hash, name) values (?, ?, 'bench')")) {
                for (long id : ids) {
                    byte[] raw = new byte[32];
                    random.nextBytes(raw);
                    String token = "rb_bench_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                    ps.setLong(1, id);
                    ps.setBytes(2, MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
                    ps.addBatch();
                    lines.add(id + "\t" + token);
                }
                ps.executeBatch();
            }
            Array idArray = c.createArrayOf("bigint", ids.toArray());
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into credit_account (user_id, balance) select u, ? from unnest(?::bigint[]) u""")) {
                ps.setLong(1, credits);
                ps.setArray(2, idArray);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into credit_grant (grant_key, user_id, amount, source, reason, actor, created_at)
                    select 'bench-seed-' || u, u, ?, 'ADMIN', 'bench/generate seed', 'bench', now()
                      from unnest(?::bigint[]) u""")) {
                ps.setLong(1, credits);
                ps.setArray(2, idArray);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key,
                                              source, reason, created_at)
                    select u, 'GRANT', ?, ?, 0, 0, 'bench-seed-' || u, 'ADMIN', 'bench/generate seed', now()
                      from unnest(?::bigint[]) u""")) {
                ps.setLong(1, credits);
                ps.setLong(2, credits);
                ps.setArray(3, idArray);
                ps.executeUpdate();
            }
            c.commit();
        }
        Files.write(OUT.resolve("tokens.tsv"), lines);
        long ms = (System.nanoTime() - started) / 1_000_000;
        log("seeded %d users with API tokens and %d credits each in %d ms", users, credits, ms);
        result("seed.users", users);
        result("seed.credits", credits);
        result("seed.ms", ms);
        result("machine.postgres", rows("select current_setting('server_version')", 1).get(0)[0]);
    }

    // ---------------------------------------------------------------- accept + in flight

    static void accept() throws Exception {
        Load load = new Load(baseUrl(), tokens());
        long pid = Long.parseLong(env("BENCH_APP_PID", "0"));
        int seconds = Integer.parseInt(env("BENCH_STEP_SECONDS", "15"));
        int warmupSeconds = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "20"));
        int warmupRate = Integer.parseInt(env("BENCH_WARMUP_RATE", "200"));
        int drainMax = Integer.parseInt(env("BENCH_DRAIN_MAX_SECONDS", "30"));
        int[] rates = Arrays.stream(env("BENCH_RATES", "100,150,200,300,400,700,1000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim()))
                .toArray();
        result("app.idle.rss_mb", rssMb(pid));
        result("bench.rates", env("BENCH_RATES", "100,150,200,300,400,700,1000").replace(" ", ""));
        result("bench.step_seconds", seconds);
        result("bench.drain_max_seconds", drainMax);
        result("accept.top_rate", rates[rates.length - 1]);

        warmUp(load, pid, warmupRate, warmupSeconds);

        int inflightTarget = Integer.parseInt(env("BENCH_INFLIGHT_TARGET", "10000"));
        boolean checkpointed = false;
        List<Integer> passing = new ArrayList<>();
        List<Integer> passingGet = new ArrayList<>();
        // BENCH_POST_UNTIL_MISS=1: once a POST step misses p99 <= 50 ms, the higher rates run their GET
        // step only, so the GET's highest rate is found without the POST's overload backlog beside it
        boolean postUntilMiss = "1".equals(env("BENCH_POST_UNTIL_MISS", "0"));
        boolean postMissed = false;
        result("bench.post_until_miss", postUntilMiss);
        for (int rate : rates) {
            for (Load.Kind kind : Load.Kind.values()) {
                if (kind == Load.Kind.POST && postUntilMiss && postMissed) {
                    log("  post-%d skipped (BENCH_POST_UNTIL_MISS=1: a lower rate's POST step missed)", rate);
                    continue;
                }
                Process probe = CommitFloor.startDuring(kind == Load.Kind.POST, rate, seconds);
                Pgss.reset();
                Cpu before = Cpu.now(pid);
                Counts countsBefore = Counts.now();
                long stepFrom = System.currentTimeMillis() * 1000;
                String step = kind.name().toLowerCase() + "-" + rate;
                StepTimeline timeline = StepTimeline.start(step);
                Load.Stats s = load.run(step, kind, rate, seconds);
                long stepTo = stepFrom + seconds * 1_000_000L;
                timeline.finish("accept." + step.replace('-', '.'), OUT.resolve("latency-" + step + ".tsv"));
                // CPU per request includes the submit each accepted job triggers: measured until the backlog is gone.
                long drained = drain(drainMax);
                Cpu used = Cpu.now(pid).minus(before);
                Pgss.dump(kind.name().toLowerCase() + "-" + rate, s.ok);
                String k = "accept." + kind.name().toLowerCase() + "." + rate;
                Counts.now().minus(countsBefore).record(k, s.ok);
                result(k + ".load1", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                result(k + ".requests", s.n);
                result(k + ".ok", s.ok);
                result(k + ".errors", s.n - s.ok);
                result(k + ".statuses", s.statuses);
                result(k + ".p50_ms", ms(s.p50));
                result(k + ".p90_ms", ms(s.p90));
                result(k + ".p99_ms", ms(s.p99));
                result(k + ".max_ms", ms(s.max));
                result(k + ".achieved_rps", String.format("%.0f", s.achieved));
                result(k + ".send_lag_max_ms", ms(s.sendLagMax));
                result(k + ".drain_after_ms", drained);
                result(k + ".cpu_ms_per_request.app", String.format("%.2f", used.appMs / s.n));
                // the app's CPU by thread group, and without its JIT compiler threads (a young JVM's cost)
                for (String group : Cpu.GROUPS_AND_OTHER) {
                    result(k + ".cpu_ms_per_request.app." + group, String.format("%.3f", used.groupMs(group) / s.n));
                }
                result(k + ".cpu_ms_per_request.app_without_jit",
                        String.format("%.2f", (used.appMs - used.groupMs("jit")) / s.n));
                result(k + ".cpu_ms_per_request.postgres", String.format("%.2f", used.pgMs / s.n));
                result(k + ".cpu_ms_per_request.loadgen", String.format("%.2f", used.selfMs / s.n));
                result(k + ".cpu_ms_per_request.simulator", String.format("%.2f", used.simMs() / s.n));
                if (Cpu.PROVIDER_PID > 0) {
                    result(k + ".cpu_ms_per_request.provider", String.format("%.2f", used.providerMs / s.n));
                    result(k + ".cpu_ms_per_request.provider_postgres", String.format("%.2f", used.providerPgMs / s.n));
                }
                log("    CPU per request: app %.2f ms (of it the simulator's connector %.2f ms), PostgreSQL %.2f ms,"
                                + " load generator %.2f ms; the provider process %.2f ms + its PostgreSQL %.2f ms"
                                + " (backlog drained %d ms after the step)",
                        used.appMs / s.n, used.simMs() / s.n, used.pgMs / s.n, used.selfMs / s.n,
                        used.providerMs / s.n, used.providerPgMs / s.n, drained);
                log("    the app's CPU per request by thread group (ms): %s", used.groupsPerRequest(s.n));
                Map<String, Long> states = states();
                result(k + ".states_after", states);
                result(k + ".rss_mb_after", rssMb(pid));
                if (!checkpointed && live(states) >= inflightTarget) {
                    inFlightCheckpoint(pid, "after the " + kind + " step at " + rate + " req/s");
                    checkpointed = true;
                }
                // the floor at this step's rate, on the same server, after the step's submits (BENCH_FLOOR=0: off)
                CommitFloor.finishDuring(probe, kind == Load.Kind.POST, rate, stepFrom, stepTo);
                CommitFloor.after(kind == Load.Kind.POST, rate);
                if (kind == Load.Kind.POST && s.ok == s.n && s.p99 <= 50_000_000L && s.achieved >= 0.95 * rate) {
                    passing.add(rate);
                } else if (kind == Load.Kind.POST) {
                    postMissed = true;
                }
                if (kind == Load.Kind.GET && s.ok == s.n && s.p99 <= 50_000_000L && s.achieved >= 0.95 * rate) {
                    passingGet.add(rate);
                }
            }
        }
        int best = 0;
        for (int i = 0; i < rates.length && passing.contains(rates[i]); i++) {
            best = rates[i]; // the highest rate up to which every step kept p99 <= 50 ms
        }
        result("accept.best_rate_p99_50ms", best);
        int bestGet = 0;
        for (int i = 0; i < rates.length && passingGet.contains(rates[i]); i++) {
            bestGet = rates[i];
        }
        result("accept.best_get_rate_p99_50ms", bestGet);
        CommitFloor.summarise(rates);

        // The in-flight checkpoint was taken after the first step that brought 10,000 jobs in flight;
        // if none did, top up now. The state after all steps (overload included) is recorded too.
        Map<String, Long> finalStates = states();
        result("final.states", finalStates);
        result("final.live", live(finalStates));
        result("final.rss_mb", rssMb(pid));
        result("final.threads", procStatus(pid, "Threads"));
        if (!checkpointed) {
            long live = live(finalStates);
            int missing = (int) (inflightTarget - live) + 200;
            log("only %d live jobs: topping up with %d more at 200/s", live, missing);
            load.run("topup", Load.Kind.POST, 200, (missing + 199) / 200);
            drain(90);
            inFlightCheckpoint(pid, "after a top-up");
        }
    }

    /**
     * The warm-up, the same for both kinds of request: rounds of GET then POST at {@code rate} for
     * {@code seconds} each (the POST round's submits drained before the next round), until the JIT
     * compiler threads used at most BENCH_WARMUP_JIT_MS_PER_S ms of CPU per second (50: 5 % of one
     * core) in both rounds of a round pair, after at least BENCH_WARMUP_MIN_ROUNDS (2) and at most
     * BENCH_WARMUP_MAX_ROUNDS (5) pairs. A young JVM compiles the code paths it runs most: until it has,
     * its compiler threads' CPU lands in whichever step comes first and, spread over that step's
     * requests, reads as a cost per request. BENCH_WARMUP_MAX_ROUNDS=1 is the warm-up before the ninth
     * session (one pair).
     */
    static void warmUp(Load load, long pid, int rate, int seconds) throws Exception {
        int minRounds = Integer.parseInt(env("BENCH_WARMUP_MIN_ROUNDS", "2"));
        int maxRounds = Integer.parseInt(env("BENCH_WARMUP_MAX_ROUNDS", "5"));
        double settled = Double.parseDouble(env("BENCH_WARMUP_JIT_MS_PER_S", "50"));
        int drainMax = Integer.parseInt(env("BENCH_WARMUP_DRAIN_MAX_SECONDS", "120"));
        int round = 0;
        boolean quiet = false;
        while (round < maxRounds && !(quiet && round >= minRounds)) {
            round++;
            quiet = true;
            for (Load.Kind kind : Load.Kind.values()) {
                String name = "warmup-" + kind.name().toLowerCase() + "-" + round;
                log("warm-up round %d: %s at %d/s for %d s", round, kind, rate, seconds);
                Cpu before = Cpu.now(pid);
                Counts countsBefore = Counts.now();
                long started = System.nanoTime();
                Load.Stats s = load.run(name, kind, rate, seconds);
                // the next round must not inherit this one's submits (a cold JIT, here and in a provider process)
                drain(drainMax);
                Cpu used = Cpu.now(pid).minus(before);
                double wall = (System.nanoTime() - started) / 1e9;
                double jitPerSecond = used.groupMs("jit") / wall;
                quiet &= jitPerSecond <= settled;
                result("warmup." + round + "." + kind.name().toLowerCase() + ".jit_ms_per_s",
                        String.format("%.0f", jitPerSecond));
                result("warmup." + round + "." + kind.name().toLowerCase() + ".app_ms_per_request",
                        String.format("%.2f", used.appMs / (rate * (double) seconds)));
                long taskRuns = Counts.now().minus(countsBefore).taskRuns();
                result("warmup." + round + "." + kind.name().toLowerCase() + ".task_runs", taskRuns);
                result("warmup." + round + "." + kind.name().toLowerCase() + ".p99_ms", ms(s.p99));
                log("    JIT compiler threads: %.0f ms of CPU per second; the app %.2f ms per request;"
                                + " p99 %s ms; %d jobs submitted by their task",
                        jitPerSecond, used.appMs / (rate * (double) seconds), ms(s.p99), taskRuns);
            }
        }
        // the app's own cost per second with no request: spread over a step's requests in every step alike
        Cpu idleBefore = Cpu.now(pid);
        long idleFrom = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(Integer.parseInt(env("BENCH_IDLE_SECONDS", "10"))));
        Cpu idle = Cpu.now(pid).minus(idleBefore);
        double idleSeconds = (System.nanoTime() - idleFrom) / 1e9;
        result("app.idle.cpu_ms_per_s", String.format("%.1f", idle.appMs / idleSeconds));
        result("app.idle.jit_ms_per_s", String.format("%.1f", idle.groupMs("jit") / idleSeconds));
        result("app.idle.postgres_ms_per_s", String.format("%.1f", idle.pgMs / idleSeconds));
        log("idle after the warm-up: the app %.1f ms of CPU per second (JIT %.1f), its PostgreSQL %.1f",
                idle.appMs / idleSeconds, idle.groupMs("jit") / idleSeconds, idle.pgMs / idleSeconds);
        result("warmup.rounds", round);
        result("warmup.settled", quiet);
        result("warmup.rate", rate);
        result("warmup.seconds", seconds);
    }

    static void inFlightCheckpoint(long pid, String when) throws Exception {
        Map<String, Long> states = states();
        long live = live(states);
        result("inflight.when", when);
        result("inflight.states", states);
        result("inflight.live", live);
        result("inflight.rss_mb", rssMb(pid));
        result("inflight.threads", procStatus(pid, "Threads"));
        String heap = heapInfo(pid);
        Files.writeString(OUT.resolve("heap-inflight.txt"), heap);
        Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap);
        if (used.find()) {
            result("inflight.heap_committed_mb", Long.parseLong(used.group(1)) / 1024);
            result("inflight.heap_used_mb", Long.parseLong(used.group(2)) / 1024);
        }
        Matcher meta = Pattern.compile("Metaspace\\s+used (\\d+)K, committed (\\d+)K").matcher(heap);
        if (meta.find()) {
            result("inflight.metaspace_committed_mb", Long.parseLong(meta.group(2)) / 1024);
        }
        result("inflight.scheduled_tasks", scalar("select count(*) from scheduled_tasks"));
        log("  in-flight checkpoint (%s): %d live jobs %s, RSS %s MB", when, live, states, rssMb(pid));
    }

    /** Waits (up to {@code maxSeconds}) until no accepted job waits for its submit; returns ms waited. */
    static long drain(int maxSeconds) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
        long reserved;
        while ((reserved = scalar("select count(*) from generation_job where state = 'RESERVED'")) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (reserved > 0) {
            log("  still %d jobs RESERVED after %d ms (submit backlog)", reserved, ms);
        } else if (ms > 500) {
            log("  submit backlog drained in %d ms", ms);
        }
        return ms;
    }

    // ---------------------------------------------------------------- callbacks

    /** How many of these jobs have a CAPTURE entry. */
    static long capturedJobs(List<String> ids) throws SQLException {
        try (Connection c = db();
                PreparedStatement ps = c.prepareStatement(
                        "select count(distinct ref_key) from ledger_entry where kind = 'CAPTURE' and ref_key = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void callbacks() throws Exception {
        int measured = Integer.parseInt(env("BENCH_CALLBACKS", "400"));
        int warmup = Integer.parseInt(env("BENCH_CALLBACK_WARMUP", "50"));
        int rate = Integer.parseInt(env("BENCH_CALLBACK_RATE", "25"));
        int waitMax = Integer.parseInt(env("BENCH_CALLBACK_WAIT_SECONDS", "240"));
        int total = measured + warmup;
        // Jobs the app still tracks as live whose simulator task has already finished: the provider
        // is done, the app has not heard yet (its polls and the simulator's callbacks are slowed).
        // The tasks are read where the simulator keeps them: the app's database (in-process
        // simulator) or the provider process's own ($BENCH_SIM_JDBC_URL).
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitMax);
        List<String[]> jobs;
        while ((jobs = finishedJobs(total)).size() < total && System.nanoTime() < waitUntil) {
            log("  %d of %d jobs finished at the simulator; waiting", jobs.size(), total);
            Thread.sleep(5000);
        }
        if (jobs.size() < total) {
            throw new IllegalStateException("only " + jobs.size() + " jobs finished at the simulator");
        }
        HttpClient http = Load.client();
        String base = baseUrl();
        String simBase = env("BENCH_SIM_BASE_URL", base);
        // A real provider has the file ready when it calls back; the simulator paints it on first
        // download. Have it painted now, so the timing below is the app's work, not the painting.
        long renderStart = System.nanoTime();
        for (int i = 0; i < total; i += 2) {
            List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(total, i + 2); j++) {
                batch.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create(simBase + "/sim/kie/files/" + jobs.get(j)[2] + "/output.png"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
            for (var f : batch) {
                if (f.join().statusCode() != 200) {
                    throw new IllegalStateException("simulator file not served: " + f.join().statusCode());
                }
            }
        }
        result("callback.sim_render_ms_per_file", (System.nanoTime() - renderStart) / 1_000_000 / total);
        long[] latency = new long[total];
        long[] wallSentMicros = new long[total];
        int[] status = new int[total];
        CountDownLatch done = new CountDownLatch(total);
        long period = 1_000_000_000L / rate;
        long startNanos = System.nanoTime() + 50_000_000L;
        long startWallMicros = System.currentTimeMillis() * 1000 + 50_000;
        log("callbacks: %d (+%d warm-up) at %d/s", measured, warmup, rate);
        Cpu cpuBefore = Cpu.now(Long.parseLong(env("BENCH_APP_PID", "0")));
        for (int i = 0; i < total; i++) {
            String[] job = jobs.get(i);
            String body = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + job[2]
                    + "\",\"state\":\"success\"}}";
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create(base + "/api/provider/kie/callback/" + job[0] + "?token=" + job[1]))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            long intended = startNanos + i * period;
            waitUntil(intended);
            wallSentMicros[i] = startWallMicros + (intended - startNanos) / 1000;
            int index = i;
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                latency[index] = System.nanoTime() - intended;
                status[index] = e == null ? r.statusCode() : 0;
                done.countDown();
            });
        }
        done.await(60, TimeUnit.SECONDS);
        // The app answers a callback before it queries the task, copies the file and captures
        // (CallbackChecks, off the request thread): wait for the captures before counting them and
        // the CPU they took.
        List<String> sent = jobs.stream().map(j -> j[0]).toList();
        long capturesUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (capturedJobs(sent) < total && System.nanoTime() < capturesUntil) {
            Thread.sleep(200);
        }
        Cpu cpu = Cpu.now(Long.parseLong(env("BENCH_APP_PID", "0"))).minus(cpuBefore);
        result("callback.cpu_ms_per_callback.app", String.format("%.2f", cpu.appMs / total));
        result("callback.cpu_ms_per_callback.postgres", String.format("%.2f", cpu.pgMs / total));
        result("callback.cpu_ms_per_callback.provider", String.format("%.2f", (cpu.providerMs + cpu.providerPgMs) / total));
        // Confirm in SQL: every job has exactly one CAPTURE entry, and when it was written.
        List<String> ids = jobs.stream().map(j -> j[0]).toList();
        Map<String, long[]> captures = new ConcurrentHashMap<>();
        try (Connection c = db();
                PreparedStatement ps = c.prepareStatement("""
                        select ref_key, count(*), (extract(epoch from min(created_at)) * 1000000)::bigint
                          from ledger_entry where kind = 'CAPTURE' and ref_key = any(?) group by ref_key""")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    captures.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        long[] resp = new long[measured];
        long[] toCapture = new long[measured];
        int ok = 0;
        int capturedOnce = 0;
        int n = 0;
        Map<Integer, Integer> statuses = new TreeMap<>();
        StringBuilder raw = new StringBuilder("job_id\tstatus\tresponse_us\tcapture_after_send_us\n");
        for (int i = warmup; i < total; i++) {
            long[] cap = captures.get(ids.get(i));
            statuses.merge(status[i], 1, Integer::sum);
            if (status[i] == 200) {
                ok++;
            }
            if (cap != null && cap[0] == 1) {
                capturedOnce++;
            }
            resp[n] = latency[i];
            toCapture[n] = cap == null ? Long.MAX_VALUE : (cap[1] - wallSentMicros[i]) * 1000;
            raw.append(ids.get(i)).append('\t').append(status[i]).append('\t').append(latency[i] / 1000)
                    .append('\t').append(cap == null ? "" : Long.toString(cap[1] - wallSentMicros[i]))
                    .append('\n');
            n++;
        }
        Files.writeString(OUT.resolve("callbacks.tsv"), raw.toString());
        Arrays.sort(resp);
        Arrays.sort(toCapture);
        result("callback.count", measured);
        result("callback.rate", rate);
        result("callback.ok", ok);
        result("callback.statuses", statuses);
        result("callback.captured_once", capturedOnce);
        result("callback.total_captures_for_jobs",
                captures.values().stream().mapToLong(v -> v[0]).sum() + " (for " + total + " jobs incl. warm-up)");
        result("callback.response.p50_ms", ms(pct(resp, 50)));
        result("callback.response.p90_ms", ms(pct(resp, 90)));
        result("callback.response.p99_ms", ms(pct(resp, 99)));
        result("callback.response.max_ms", ms(resp[resp.length - 1]));
        result("callback.capture_entry.p50_ms", ms(pct(toCapture, 50)));
        result("callback.capture_entry.p99_ms", ms(pct(toCapture, 99)));
        result("callback.succeeded_jobs", scalar("select count(*) from generation_job where state = 'SUCCEEDED'"));
        log("callbacks: %d/%d answered 200, %d captured exactly once; response p50 %s ms p99 %s ms",
                ok, measured, capturedOnce, ms(pct(resp, 50)), ms(pct(resp, 99)));

        // The books still balance after all of this (same check as Ledger.checkInvariants).
        long violations = scalar("""
                select count(*) from credit_account a
                  left join (select user_id, sum(balance_delta) b, sum(held_delta) h, sum(debt_delta) d
                               from ledger_entry group by user_id) e on e.user_id = a.user_id
                  left join (select user_id, sum(amount) h from credit_hold where state = 'OPEN'
                              group by user_id) o on o.user_id = a.user_id
                 where a.balance <> coalesce(e.b, 0) or a.held <> coalesce(e.h, 0)
                    or a.debt <> coalesce(e.d, 0) or a.held <> coalesce(o.h, 0) or a.held > a.balance""");
        result("ledger.invariant_violations", violations);
        result("ledger.open_holds_vs_live_jobs",
                scalar("select count(*) from credit_hold where state = 'OPEN'") + " open holds / "
                        + scalar("select count(*) from generation_job where state in " + LIVE) + " live jobs");
    }

    /** Up to {@code limit} live jobs (oldest first) whose simulator task has finished, not failed. */
    static List<String[]> finishedJobs(int limit) throws SQLException {
        List<String> tasks = new ArrayList<>();
        if (stubUrl() != null) {
            tasks.addAll(stubGet("/stub/finished").lines().filter(l -> !l.isBlank()).toList());
        } else {
            try (Connection c = simDb();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("""
                            select task_id from sim_task
                             where not fails
                               and created_at + duration_ms * interval '1 millisecond' < now() - interval '1 second'""")) {
                while (rs.next()) {
                    tasks.add(rs.getString(1));
                }
            }
        }
        List<String[]> out = new ArrayList<>();
        try (Connection c = db();
                PreparedStatement ps = c.prepareStatement("""
                        select id, callback_token, provider_task_id from generation_job
                         where state in ('SUBMITTED', 'RUNNING') and provider_task_id = any(?)
                         order by created_at limit ?""")) {
            ps.setArray(1, c.createArrayOf("text", tasks.toArray()));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- report

    static Map<String, String> readResults() throws IOException {
        Map<String, String> r = new LinkedHashMap<>();
        for (String line : Files.readAllLines(RESULTS)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                r.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return r;
    }

    /**
     * The app's CPU per request by thread group in the same steps, POST / GET, and the POST/GET ratio
     * of app + PostgreSQL CPU with and without the JIT compiler threads (the same subtraction on both
     * sides); the warm-up's rounds and the JIT's CPU in each.
     */
    /** The lowest rate of the run's steps. */
    private static String firstRate(Map<String, String> r) {
        return r.getOrDefault("bench.rates", "?").split(",")[0].trim();
    }

    /** The GET step's cells of a rate's row in the accept table, to the row's end. */
    private static String getCells(Map<String, String> r, String g) {
        return r.get(g + ".p50_ms") + " / " + r.get(g + ".p99_ms") + " / " + r.get(g + ".max_ms") + " | "
                + r.get(g + ".achieved_rps") + "/s | " + r.get(g + ".errors") + " | "
                + r.get(g + ".cpu_ms_per_request.app") + " + " + r.get(g + ".cpu_ms_per_request.postgres") + " |\n";
    }

    static String cpuByThreadGroup(Map<String, String> r) {
        if (!r.containsKey("warmup.rounds")) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        md.append("\nWarm-up: ").append(r.get("warmup.rounds")).append(" round(s) of GET then POST at ")
                .append(r.get("warmup.rate")).append(" req/s for ").append(r.get("warmup.seconds"))
                .append(" s each; the JIT compiler threads' CPU per second in each (ms):");
        for (int i = 1; i <= Integer.parseInt(r.get("warmup.rounds")); i++) {
            md.append(i == 1 ? " " : ", ").append(r.get("warmup." + i + ".get.jit_ms_per_s")).append(" / ")
                    .append(r.get("warmup." + i + ".post.jit_ms_per_s"));
        }
        md.append(" (GET / POST; settled: ").append(r.get("warmup.settled")).append("). Idle after it: the app ")
                .append(r.get("app.idle.cpu_ms_per_s")).append(" ms of CPU per second (JIT ")
                .append(r.get("app.idle.jit_ms_per_s")).append("), its PostgreSQL ")
                .append(r.get("app.idle.postgres_ms_per_s")).append(".\n\n");
        md.append("The app's CPU per request by thread group (ms, POST / GET; \"other\" is the process's total less"
                + " the named groups: the JVM's own threads, Hikari, the listener, threads that ended):\n\n");
        md.append("| rate |");
        for (String group : Cpu.GROUPS_AND_OTHER) {
            if (!group.equals("simulator")) {
                md.append(' ').append(group).append(" |");
            }
        }
        md.append(" POST/GET app + PG | the same without the JIT | POST jobs submitted by their task |\n|---|");
        md.append("---|".repeat(Cpu.GROUPS_AND_OTHER.size() + 2)).append('\n');
        for (String rate : r.getOrDefault("bench.rates", "").split(",")) {
            String p = "accept.post." + rate.trim();
            String g = "accept.get." + rate.trim();
            md.append("| ").append(rate.trim()).append(" |");
            for (String group : Cpu.GROUPS_AND_OTHER) {
                if (!group.equals("simulator")) {
                    md.append(' ').append(r.get(p + ".cpu_ms_per_request.app." + group)).append(" / ")
                            .append(r.get(g + ".cpu_ms_per_request.app." + group)).append(" |");
                }
            }
            double pg = num(r.get(p + ".cpu_ms_per_request.postgres"));
            double gg = num(r.get(g + ".cpu_ms_per_request.postgres"));
            md.append(String.format(" %.1f× | %.1f× | %s |\n",
                    (num(r.get(p + ".cpu_ms_per_request.app")) + pg) / (num(r.get(g + ".cpu_ms_per_request.app")) + gg),
                    (num(r.get(p + ".cpu_ms_per_request.app_without_jit")) + pg)
                            / (num(r.get(g + ".cpu_ms_per_request.app_without_jit")) + gg),
                    r.getOrDefault(p + ".task_runs_per_request", "?")));
        }
        return md.toString();
    }

    static void report(Path docs) throws Exception {
        Map<String, String> r = readResults();
        StringBuilder md = new StringBuilder();
        md.append("<!-- generate:begin (written by bench/generate/run.sh; edit outside these markers) -->\n");
        md.append("Measured ").append(r.getOrDefault("machine.date", "?")).append(" on ")
                .append(r.getOrDefault("machine.nproc", "?")).append(" cores, ")
                .append(r.getOrDefault("machine.memory", "?")).append(" memory, ")
                .append(r.getOrDefault("machine.jdk", "?")).append(", PostgreSQL ")
                .append(r.getOrDefault("machine.postgres", "?")).append("; app heap ")
                .append(r.getOrDefault("app.heap", "?")).append(". Load average at start: ")
                .append(r.getOrDefault("machine.load_start", "?")).append(", at end: ")
                .append(r.getOrDefault("machine.load_end", "?")).append(". Total run ")
                .append(r.getOrDefault("run.seconds", "?")).append(" s. The commit speed of this run's PostgreSQL:"
                        + " pgbench simple-update (8 clients, 10 s) ")
                .append(r.getOrDefault("machine.pgbench_simple_update_tps", "?")).append(" tps at load ")
                .append(r.getOrDefault("machine.pgbench_load", "?")).append(". ")
                .append(simulatorSentence(r)).append("\n\n");

        String best = r.getOrDefault("accept.best_rate_p99_50ms", "0");
        int drainMax = Integer.parseInt(r.getOrDefault("bench.drain_max_seconds", "45"));
        String inflightRss = r.getOrDefault("inflight.rss_mb", "?");
        // the callback is answered before the capture (CallbackChecks): the target is the capture's time
        String cbP99 = r.getOrDefault("callback.capture_entry.p99_ms", "?");
        md.append("| target | measured | met |\n|---|---|---|\n");
        md.append("| accept p99 ≤ 50 ms at 1,000 req/s | p99 ")
                .append(r.getOrDefault("accept.post.1000.p99_ms", "?"))
                .append(" ms at 1,000 req/s (achieved ")
                .append(r.getOrDefault("accept.post.1000.achieved_rps", "?"))
                .append("/s); highest rate with p99 ≤ 50 ms: ")
                .append(best.equals("0") ? "none of the rates tried" : best + " req/s")
                // what the row says: the POST step at 1,000 req/s kept p99 within 50 ms (it used to ask
                // for every rate tried, so a run that went on to 2,000 read "no" with 8.7 ms at 1,000)
                .append(" | ")
                .append(yes(num(r.get("accept.post.1000.p99_ms")) <= 50))
                .append(" |\n");
        md.append("| 10,000 jobs in flight in ≤ 512 MB RSS | ").append(r.getOrDefault("inflight.live", "?"))
                .append(" live jobs, RSS ").append(inflightRss).append(" MB (heap used ")
                .append(r.getOrDefault("inflight.heap_used_mb", "?")).append(" MB) | ")
                .append(yes(num(r.get("inflight.live")) >= 10_000 && num(inflightRss) <= 512)).append(" |\n");
        md.append("| callback → credits captured p99 ≤ 250 ms | p50 ")
                .append(r.getOrDefault("callback.capture_entry.p50_ms", "?")).append(" ms, p99 ").append(cbP99)
                .append(" ms over ").append(r.getOrDefault("callback.count", "?")).append(" callbacks (")
                .append(r.getOrDefault("callback.captured_once", "?")).append(" captured exactly once; answered p99 ")
                .append(r.getOrDefault("callback.response.p99_ms", "?")).append(" ms) | ")
                .append(yes(num(cbP99) <= 250 && r.get("callback.captured_once").equals(r.get("callback.count"))))
                .append(" |\n\n");

        md.append("Accept latency, open loop (latency from the intended send time), ")
                .append(r.getOrDefault("bench.step_seconds", "?"))
                .append(" s per step, requests spread over 1,000 users:\n\n");
        md.append("| rate (req/s) | POST generate-image p50 / p99 / max (ms) | achieved | errors "
                + "| submits done (s after step) | CPU ms/req app + PG "
                + "| GET /credits p50 / p99 / max (ms) | achieved | errors | CPU ms/req app + PG |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String rate : r.getOrDefault("bench.rates", "").split(",")) {
            String p = "accept.post." + rate.trim();
            String g = "accept.get." + rate.trim();
            if (!r.containsKey(p + ".p99_ms")) {
                // BENCH_POST_UNTIL_MISS: this rate ran its GET step only
                md.append("| ").append(rate.trim()).append(" | not run (a lower rate's POST missed) | | | | | ")
                        .append(getCells(r, g));
                continue;
            }
            md.append("| ").append(rate.trim()).append(" | ")
                    .append(r.get(p + ".p50_ms")).append(" / ").append(r.get(p + ".p99_ms")).append(" / ")
                    .append(r.get(p + ".max_ms")).append(" | ").append(r.get(p + ".achieved_rps")).append("/s | ")
                    .append(r.get(p + ".errors")).append(" | ")
                    .append(backlog(r.get(p + ".drain_after_ms"), drainMax)).append(" | ")
                    .append(r.get(p + ".cpu_ms_per_request.app")).append(" + ")
                    .append(r.get(p + ".cpu_ms_per_request.postgres"))
                    .append(r.containsKey(p + ".cpu_ms_per_request.provider")
                            ? " (provider process " + r.get(p + ".cpu_ms_per_request.provider") + " + its PG "
                                    + r.get(p + ".cpu_ms_per_request.provider_postgres") + " apart)"
                            : r.containsKey(p + ".cpu_ms_per_request.simulator")
                                    ? " (simulator's threads " + r.get(p + ".cpu_ms_per_request.simulator")
                                            + " of the app's)"
                                    : "")
                    .append(" | ")
                    .append(getCells(r, g));
        }
        md.append(cpuByThreadGroup(r));
        md.append("\nCounted by PostgreSQL per accepted request in the same steps (write transactions = transaction"
                + " ids handed out, so reads do not count; on the app's database server: all of them, then the app's"
                + " own; the simulator's createTask is one write transaction of its own, on the app's server or the"
                + " provider's (with the provider stub, which has no database, the count of its createTasks);"
                + " WAL of the app's server from pg_current_wal_lsn; statements: pg_stat_statements calls"
                + " without the harness's, with BENCH_PGSS=1; 1-minute load average after the step):\n\n");
        md.append("| rate (req/s) | POST: write tx on the app's database / of them the app's / simulator write tx / WAL bytes"
                + " / statements | GET: app write tx / WAL bytes / statements | load after POST, GET |\n|---|---|---|---|\n");
        for (String rate : r.getOrDefault("bench.rates", "").split(",")) {
            String p = "accept.post." + rate.trim();
            String g = "accept.get." + rate.trim();
            md.append("| ").append(rate.trim()).append(" | ")
                    .append(r.getOrDefault(p + ".write_tx_per_request.database", "?")).append(" / ")
                    .append(r.get(p + ".write_tx_per_request.app")).append(" / ")
                    .append(r.get(p + ".write_tx_per_request.simulator")).append(" / ")
                    .append(r.get(p + ".wal_bytes_per_request")).append(" / ")
                    .append(r.getOrDefault("pgss.post-" + rate.trim() + ".statements_per_request.app", "–"))
                    .append(" | ")
                    .append(r.get(g + ".write_tx_per_request.app")).append(" / ")
                    .append(r.get(g + ".wal_bytes_per_request")).append(" / ")
                    .append(r.getOrDefault("pgss.get-" + rate.trim() + ".statements_per_request.app", "–"))
                    .append(" | ")
                    .append(r.get(p + ".load1")).append(", ").append(r.get(g + ".load1")).append(" |\n");
        }
        md.append(StepTimeline.markdown(r));
        md.append("\nhighest rate with p99 ≤ 50 ms: POST ")
                .append(best.equals("0")
                        ? "none of the rates tried (the lowest, " + firstRate(r) + " req/s, missed)"
                        : best + " req/s")
                .append(", GET ")
                .append(r.getOrDefault("accept.best_get_rate_p99_50ms", "?"))
                .append(" req/s (").append(switch (r.getOrDefault("bench.sim", "inproc")) {
                    case "process" -> "simulator in its own process";
                    case "stub" -> "provider stub in its own process";
                    default -> "simulator in the app's JVM";
                })
                .append("; load average at start ").append(r.getOrDefault("machine.load_start", "?"))
                .append(", at end ").append(r.getOrDefault("machine.load_end", "?")).append(").\n");
        md.append(CommitFloor.markdown(r));
        md.append("\nIn flight (checkpoint ").append(r.getOrDefault("inflight.when", "?")).append("): ")
                .append(r.getOrDefault("inflight.states", "?"))
                .append("; RSS idle after start ").append(r.getOrDefault("app.idle.rss_mb", "?"))
                .append(" MB, at the checkpoint ").append(inflightRss).append(" MB (heap committed ")
                .append(r.getOrDefault("inflight.heap_committed_mb", "?")).append(" MB, metaspace ")
                .append(r.getOrDefault("inflight.metaspace_committed_mb", "?")).append(" MB), ")
                .append(r.getOrDefault("inflight.threads", "?")).append(" threads, ")
                .append(r.getOrDefault("inflight.scheduled_tasks", "?")).append(" db-scheduler rows. After all steps: ")
                .append(r.getOrDefault("final.live", "?")).append(" live jobs, RSS ")
                .append(r.getOrDefault("final.rss_mb", "?")).append(" MB, ")
                .append(r.getOrDefault("final.threads", "?")).append(" threads.\n");
        md.append("Callbacks at ").append(r.getOrDefault("callback.rate", "?"))
                .append("/s: response p50 / p90 / p99 / max ")
                .append(r.get("callback.response.p50_ms")).append(" / ").append(r.get("callback.response.p90_ms"))
                .append(" / ").append(r.get("callback.response.p99_ms")).append(" / ")
                .append(r.get("callback.response.max_ms"))
                .append(" ms; CAPTURE entry written (its timestamp, taken before the commit) p50 / p99 ")
                .append(r.get("callback.capture_entry.p50_ms")).append(" / ")
                .append(r.get("callback.capture_entry.p99_ms")).append(" ms after the send. Ledger invariant violations after the run: ")
                .append(r.getOrDefault("ledger.invariant_violations", "?")).append(".\n");
        md.append("<!-- generate:end -->\n");
        Files.writeString(OUT.resolve("generate-section.md"), md.toString());
        System.out.print(md);
        if (docs != null) {
            String heading = "## Generate";
            String text = Files.exists(docs) ? Files.readString(docs) : "# Benchmarks\n";
            int b = text.indexOf("<!-- generate:begin");
            int e = text.indexOf("<!-- generate:end -->");
            if (b >= 0 && e > b) {
                text = text.substring(0, b) + md + text.substring(e + "<!-- generate:end -->\n".length());
            } else if (text.contains(heading + "\n")) {
                int h = text.indexOf(heading + "\n") + heading.length() + 1;
                text = text.substring(0, h) + "\n" + md + text.substring(h);
            } else {
                text = text + "\n" + heading + "\n\n" + md;
            }
            Files.writeString(docs, text);
            log("updated %s", docs);
        }
    }

    static String simulatorSentence(Map<String, String> r) {
        if (r.getOrDefault("bench.sim", "inproc").equals("stub")) {
            return "The provider was bench/generate's stub (StubKie.java, port " + r.getOrDefault("bench.sim_port", "?")
                    + "): KIE's endpoints answered from memory in a small process of its own, no database; the app"
                    + " called it as a real provider (KIE key and base URL), and its CPU is printed apart, not in"
                    + " the app's.";
        }
        return r.getOrDefault("bench.sim", "inproc").equals("process")
                ? "The KIE simulator ran in its own process (a second renderbank, port "
                        + r.getOrDefault("bench.sim_port", "?") + ", its own PostgreSQL server, heap "
                        + r.getOrDefault("bench.sim_heap", "?") + "); the app called it as a real provider (KIE key"
                        + " and base URL), and its CPU is printed apart, not in the app's."
                : "The KIE simulator ran in the app's JVM (its own connector on port "
                        + r.getOrDefault("bench.sim_port", "?") + " when not 0) and wrote to the app's database.";
    }

    static String backlog(String drainMs, int max) {
        if (drainMs == null) {
            return "?";
        }
        long ms = Long.parseLong(drainMs);
        return ms >= max * 1000L ? "> " + max + " (not done)" : String.format("%.1f", ms / 1000.0);
    }

    static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    static double num(String s) {
        try {
            return Double.parseDouble(s);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    // ---------------------------------------------------------------- the load generator

    /** Open-loop: request i is due at start + i/rate, and its latency counts from then. */
    static final class Load {

        enum Kind {
            GET,
            POST
        }

        record Stats(
                int n,
                int ok,
                Map<Integer, Integer> statuses,
                long p50,
                long p90,
                long p99,
                long max,
                double achieved,
                long sendLagMax) {}

        private final String base;
        private final List<String> tokens;
        private final HttpClient http = client();
        private final AtomicLong sequence = new AtomicLong();

        Load(String base, List<String> tokens) {
            this.base = base;
            this.tokens = tokens;
        }

        static HttpClient client() {
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        }

        Stats run(String name, Kind kind, int rate, int seconds) throws Exception {
            int n = rate * seconds;
            long period = 1_000_000_000L / rate;
            long[] latency = new long[n];
            int[] status = new int[n];
            long[] doneAt = new long[n];
            CountDownLatch done = new CountDownLatch(n);
            long sendLagMax = 0;
            URI get = URI.create(base + "/api/v1/credits");
            URI post = URI.create(base + "/api/v1/generate-image");
            long start = System.nanoTime() + 20_000_000L;
            for (int i = 0; i < n; i++) {
                long seq = sequence.getAndIncrement();
                String token = tokens.get((int) (seq % tokens.size()));
                HttpRequest.Builder b = HttpRequest.newBuilder(kind == Kind.GET ? get : post)
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + token);
                if (kind == Kind.POST) {
                    b.header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dawn, bench " + name
                                            + " #" + seq + "\",\"resolution\":\"1K\",\"outputFormat\":\"png\"}"));
                }
                HttpRequest request = b.build();
                long intended = start + i * period;
                long lag = waitUntil(intended);
                sendLagMax = Math.max(sendLagMax, lag);
                int index = i;
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    long now = System.nanoTime();
                    latency[index] = now - intended;
                    doneAt[index] = now;
                    status[index] = e == null ? r.statusCode() : 0;
                    done.countDown();
                });
            }
            if (!done.await(30, TimeUnit.SECONDS)) {
                log("  %s: %d requests did not complete", name, done.getCount());
            }
            int expect = kind == Kind.GET ? 200 : 202;
            int ok = 0;
            long last = start;
            Map<Integer, Integer> statuses = new TreeMap<>();
            StringBuilder raw = new StringBuilder("intended_offset_ms\tlatency_us\tstatus\n");
            for (int i = 0; i < n; i++) {
                if (doneAt[i] == 0) {
                    latency[i] = System.nanoTime() - (start + i * period); // never answered: still waiting
                }
                statuses.merge(status[i], 1, Integer::sum);
                if (status[i] == expect) {
                    ok++;
                    last = Math.max(last, doneAt[i]);
                }
                raw.append(i * period / 1_000_000).append('\t').append(latency[i] / 1000).append('\t')
                        .append(status[i]).append('\n');
            }
            Files.writeString(OUT.resolve("latency-" + name + ".tsv"), raw.toString());
            long[] sorted = latency.clone();
            Arrays.sort(sorted);
            double achieved = ok / ((last - start) / 1e9);
            Stats s = new Stats(n, ok, statuses, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                    sorted[n - 1], achieved, sendLagMax);
            log("  %-12s %5d req at %4d/s: p50 %7s p90 %7s p99 %7s max %7s ms, achieved %5.0f/s, statuses %s,"
                            + " max send lag %s ms",
                    name, n, rate, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), achieved, statuses,
                    ms(sendLagMax));
            return s;
        }
    }

    /** Parks until {@code nanos}; returns how late the caller already was (load generator lag). */
    static long waitUntil(long nanos) {
        long now;
        while ((now = System.nanoTime()) < nanos) {
            LockSupport.parkNanos(nanos - now);
        }
        return now - nanos;
    }

    // ---------------------------------------------------------------- helpers

    /** CPU time used so far by the app, the PostgreSQL server ($BENCH_PG_PID and children) and this process. */
    /**
     * What PostgreSQL counted during a step: write transactions (transaction ids handed out; a read-only
     * transaction gets none, so the harness's and the app's reads do not count), all commits
     * (pg_stat_database.xact_commit, reads included), WAL bytes, and tasks the simulator created (one
     * write transaction each, the provider's side). Load-independent, unlike the latencies.
     */
    /**
     * {@code taskRuns}: jobs whose durable task has run to completion (db-scheduler's {@code
     * last_success}), i.e. jobs submitted by their task (the fallback when the submit pool's slots were
     * full, or a refusal) rather than by the submit pool right after their accept, whose task is only
     * moved; within a run a job's task runs at most once before its first poll (30 minutes).
     */
    record Counts(long xids, long commits, long walBytes, long simTasks, long providerSimTasks, long taskRuns) {

        static Counts now() throws SQLException {
            long provider = 0;
            if (stubUrl() != null) {
                provider = Long.parseLong(stubGet("/stub/count").trim());
            } else if (System.getenv("BENCH_SIM_JDBC_URL") != null) {
                try (Connection c = simDb();
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("select count(*) from sim_task")) {
                    rs.next();
                    provider = rs.getLong(1);
                }
            }
            try (Connection c = db();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("""
                            select pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                                   (select xact_commit from pg_stat_database where datname = current_database()),
                                   pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,
                                   (select count(*) from sim_task),
                                   (select count(*) from scheduled_tasks
                                     where task_name = 'generation-job' and last_success is not null)""")) {
                rs.next();
                return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), provider, rs.getLong(5));
            }
        }

        Counts minus(Counts o) {
            return new Counts(xids - o.xids, commits - o.commits, walBytes - o.walBytes, simTasks - o.simTasks,
                    providerSimTasks - o.providerSimTasks, taskRuns - o.taskRuns);
        }

        /**
         * Per request: {@code database} all write transactions on the app's PostgreSQL server (with the
         * in-process simulator this holds its createTask's, one per task; with the simulator in its own
         * process none), {@code app} the app's own, {@code simulator} the simulator's wherever they ran.
         */
        void record(String k, long ok) throws IOException {
            double n = Math.max(1, ok);
            result(k + ".write_tx_per_request.database", String.format("%.2f", xids / n));
            result(k + ".write_tx_per_request.app", String.format("%.2f", (xids - simTasks) / n));
            result(k + ".write_tx_per_request.simulator", String.format("%.2f", (simTasks + providerSimTasks) / n));
            result(k + ".commits_per_request", String.format("%.2f", commits / n));
            result(k + ".wal_bytes_per_request", String.format("%.0f", walBytes / n));
            result(k + ".task_runs_per_request", String.format("%.3f", taskRuns / n));
        }
    }

    /** pg_stat_statements per step (BENCH_PGSS=1): reset before the step, written after its drain. */
    static final class Pgss {
        static final boolean ON = "1".equals(System.getenv("BENCH_PGSS"));

        /** Table and index counters at the step's start (tables: ins, upd, hot_upd; indexes: idx_scan). */
        private static java.util.Map<String, long[]> tablesBefore = java.util.Map.of();

        static void reset() throws SQLException {
            if (ON) {
                scalar("select count(*) from (select pg_stat_statements_reset()) r");
                tablesBefore = tables();
            }
        }

        /**
         * Per table: rows inserted, updated, of them HOT (pg_stat_user_tables), and per index its scans
         * (pg_stat_user_indexes): whether each update wrote index entries, and which indexes no query read.
         */
        static java.util.Map<String, long[]> tables() throws SQLException {
            java.util.Map<String, long[]> m = new java.util.TreeMap<>();
            try (Connection c = db();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("""
                            select 'table ' || relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del
                              from pg_stat_user_tables
                            union all
                            select 'index ' || relname || '.' || indexrelname, idx_scan, idx_tup_read, 0, 0
                              from pg_stat_user_indexes""")) {
                while (rs.next()) {
                    m.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
                }
            }
            return m;
        }

        /** Per statement: calls, time, rows, blocks and WAL, also per accepted request ({@code ok}). */
        static void dump(String step, long ok) throws Exception {
            if (!ON) {
                return;
            }
            double n = Math.max(1, ok);
            // the harness connects as a role of its own ($BENCH_HARNESS_ROLE) when run.sh made one, so
            // its queries (drain, counts, this) are told from the app's
            String harness = env("BENCH_HARNESS_ROLE", "");
            StringBuilder out = new StringBuilder("calls/req\tms/req\trows/req\tblks_hit/req\tblks_read/req"
                    + "\tblks_dirtied/req\twal_bytes/req\tcalls\ttotal_ms\tharness\twal_records/req\twal_fpi/req"
                    + "\tplans/req\tplan_ms/req\tquery\n");
            long appCalls = 0;
            double appMs = 0;
            long appPlans = 0;
            double appPlanMs = 0;
            try (Connection c = db();
                    PreparedStatement ps = c.prepareStatement("""
                            select calls, total_exec_time, rows, shared_blks_hit, shared_blks_read,
                                   shared_blks_dirtied, wal_bytes, regexp_replace(query, '\\s+', ' ', 'g'),
                                   r.rolname = ?, wal_records, wal_fpi, plans, total_plan_time
                              from pg_stat_statements s left join pg_roles r on r.oid = s.userid
                             order by total_exec_time desc""")) {
                ps.setString(1, harness);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean mine = rs.getBoolean(9);
                        if (!mine) {
                            appCalls += rs.getLong(1);
                            appMs += rs.getDouble(2);
                            appPlans += rs.getLong(12);
                            appPlanMs += rs.getDouble(13);
                        }
                        out.append(String.format(
                                "%.3f\t%.4f\t%.3f\t%.1f\t%.2f\t%.2f\t%.0f\t%d\t%.1f\t%s\t%.3f\t%.3f\t%.3f\t%.4f\t%s%n",
                                rs.getLong(1) / n, rs.getDouble(2) / n, rs.getLong(3) / n, rs.getLong(4) / n,
                                rs.getLong(5) / n, rs.getLong(6) / n, rs.getDouble(7) / n, rs.getLong(1),
                                rs.getDouble(2), mine ? 1 : 0, rs.getLong(10) / n, rs.getLong(11) / n,
                                rs.getLong(12) / n, rs.getDouble(13) / n, rs.getString(8)));
                    }
                }
            }
            Files.writeString(OUT.resolve("pgss-" + step + ".tsv"), out.toString());
            StringBuilder tab = new StringBuilder("name\tins_or_scans\tupd_or_tup_read\thot_upd\tdel\tper_req(col2)\n");
            for (var e : tables().entrySet()) {
                long[] b = tablesBefore.getOrDefault(e.getKey(), new long[4]);
                long[] a = e.getValue();
                if (a[0] - b[0] != 0 || a[1] - b[1] != 0 || e.getKey().startsWith("index ")) {
                    tab.append(String.format("%s\t%d\t%d\t%d\t%d\t%.3f%n", e.getKey(), a[0] - b[0], a[1] - b[1],
                            a[2] - b[2], a[3] - b[3], (a[0] - b[0]) / n));
                }
            }
            Files.writeString(OUT.resolve("pgtables-" + step + ".tsv"), tab.toString());
            if (!harness.isEmpty()) {
                result("pgss." + step + ".statements_per_request.app", String.format("%.1f", appCalls / n));
                result("pgss." + step + ".statement_ms_per_request.app", String.format("%.2f", appMs / n));
                // planning is not in total_exec_time: a statement planned on every call (not prepared on
                // the server, or a custom plan each time) costs the server this on top
                result("pgss." + step + ".plans_per_request.app", String.format("%.2f", appPlans / n));
                result("pgss." + step + ".plan_ms_per_request.app", String.format("%.3f", appPlanMs / n));
            }
        }
    }

    /**
     * CPU in ms: the app's process, PostgreSQL (postmaster and backends), this harness; {@code threads}
     * holds, per thread id, the app's threads' CPU with their group ({@link #group}): among them the
     * threads that serve the built-in simulator's own connector (their names start with
     * "http-nio-127.0.", the connector bound to 127.0.0.1; the app's own connector's threads are
     * "http-nio-PORT-"), so the app's cost can be told without the simulator's (a real provider's
     * work), and the JIT compiler's, a cost of a young JVM rather than of a request.
     */
    record Cpu(
            double appMs, double pgMs, double selfMs, Map<Long, ThreadCpu> threads, double providerMs, double providerPgMs) {

        /** The provider process (the simulator run as a second renderbank; $BENCH_SIM_PID) and its PostgreSQL. */
        static final long PROVIDER_PID = Long.parseLong(env("BENCH_SIM_PID", "0"));

        static final long PROVIDER_PG_PID = Long.parseLong(env("BENCH_SIM_PG_PID", "0"));

        /**
         * The app's thread groups, by the thread's name as the kernel keeps it (its first 15 characters):
         * the JIT's compiler threads, the garbage collector's, the request threads of the app's own
         * connector, the submit pool, db-scheduler's (with any other unnamed "pool-" threads), the built-in
         * simulator's connector (inproc mode).
         * Whatever no group names (and threads that ended within the difference) is "other": the
         * process's total minus the groups.
         */
        static final List<String> GROUPS = List.of("jit", "gc", "requests", "submit", "scheduler", "simulator");

        static final List<String> GROUPS_AND_OTHER =
                java.util.stream.Stream.concat(GROUPS.stream(), java.util.stream.Stream.of("other")).toList();

        record ThreadCpu(String group, double ms) {}

        String groupsPerRequest(int n) {
            StringBuilder b = new StringBuilder();
            for (String group : GROUPS_AND_OTHER) {
                b.append(b.isEmpty() ? "" : ", ").append(group).append(' ')
                        .append(String.format("%.3f", groupMs(group) / n));
            }
            return b.toString();
        }

        static String group(String comm) {
            if (comm.startsWith(env("BENCH_SIM_THREADS", "http-nio-127.0."))) {
                return "simulator";
            }
            if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                return "jit";
            }
            if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
                return "gc";
            }
            if (comm.startsWith("http-nio-")) {
                return "requests";
            }
            if (comm.startsWith("job-submit-")) {
                return "submit";
            }
            // db-scheduler's executor runs on a default thread factory's "pool-N-thread-M" threads
            if (comm.startsWith("db-scheduler") || comm.startsWith("pool-")) {
                return "scheduler";
            }
            return "other";
        }

        /** The simulator threads' CPU: in a difference, threads that ended meanwhile are not counted. */
        double simMs() {
            return groupMs("simulator");
        }

        /** A group's CPU; "other" is the process's total less every named group. */
        double groupMs(String group) {
            if (group.equals("other")) {
                return appMs - GROUPS.stream().mapToDouble(this::groupMs).sum();
            }
            return threads.values().stream()
                    .filter(t -> t.group().equals(group))
                    .mapToDouble(ThreadCpu::ms)
                    .sum();
        }

        static Map<Long, ThreadCpu> threads(long appPid) {
            Map<Long, ThreadCpu> out = new java.util.HashMap<>();
            try (var tasks = Files.list(Path.of("/proc/" + appPid + "/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(t.resolve("stat"));
                        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        out.put(Long.parseLong(t.getFileName().toString()),
                                new ThreadCpu(group(comm), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0));
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                return out;
            }
            return out;
        }

        static Cpu now(long appPid) {
            var os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(ticks(appPid, false), postgres(Long.parseLong(env("BENCH_PG_PID", "0"))),
                    os.getProcessCpuTime() / 1e6, threads(appPid),
                    PROVIDER_PID > 0 ? ticks(PROVIDER_PID, false) : 0, postgres(PROVIDER_PG_PID));
        }

        /** A PostgreSQL server's CPU: the postmaster (with its waited-for children) and its live backends. */
        static double postgres(long pgPid) {
            if (pgPid <= 0) {
                return 0;
            }
            return ticks(pgPid, true)
                    + ProcessHandle.of(pgPid).stream()
                            .flatMap(ProcessHandle::children)
                            .mapToDouble(ch -> ticks(ch.pid(), false))
                            .sum();
        }

        Cpu minus(Cpu o) {
            // a thread that ended meanwhile is missing here, one that started counts from zero
            Map<Long, ThreadCpu> delta = new java.util.HashMap<>();
            threads.forEach((tid, t) -> {
                ThreadCpu was = o.threads.get(tid);
                delta.put(tid, new ThreadCpu(t.group(), Math.max(0, t.ms() - (was == null ? 0 : was.ms()))));
            });
            return new Cpu(appMs - o.appMs, pgMs - o.pgMs, selfMs - o.selfMs, delta,
                    providerMs - o.providerMs, providerPgMs - o.providerPgMs);
        }

        /** utime+stime (plus waited-for children's) in ms; 0 when the process is gone. */
        static double ticks(long pid, boolean withChildren) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                if (withChildren) {
                    t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
                }
                return t * 10.0; // USER_HZ is 100 on Linux
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String ms(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return "n/a";
        }
        double v = nanos / 1e6;
        return v < 10 ? String.format("%.2f", v) : v < 100 ? String.format("%.1f", v) : String.format("%.0f", v);
    }

    static Map<String, Long> states() throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        try (Connection c = db();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select state, count(*) from generation_job group by state")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        return m;
    }

    static long live(Map<String, Long> states) {
        return states.entrySet().stream()
                .filter(e -> LIVE.contains("'" + e.getKey() + "'"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    static long scalar(String sql) throws SQLException {
        try (Connection c = db();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String[]> rows(String sql, int columns) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = db();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    static String rssMb(long pid) throws IOException {
        String kb = procStatus(pid, "VmRSS").replaceAll("[^0-9]", "");
        return kb.isEmpty() ? "?" : Long.toString(Long.parseLong(kb) / 1024);
    }

    static String procStatus(long pid, String field) throws IOException {
        if (pid <= 0) {
            return "?";
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "?";
    }

    static String heapInfo(long pid) {
        if (pid <= 0) {
            return "";
        }
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return text;
        } catch (IOException | InterruptedException e) {
            return "jcmd failed: " + e;
        }
    }

    static List<String> tokens() throws IOException {
        return Files.readAllLines(OUT.resolve("tokens.tsv")).stream()
                .map(l -> l.substring(l.indexOf('\t') + 1))
                .toList();
    }

    static Connection db() throws SQLException {
        return DriverManager.getConnection(env("BENCH_JDBC_URL", null));
    }

    /** Where the simulator keeps its tasks: the provider process's database, or the app's own. */
    static Connection simDb() throws SQLException {
        return DriverManager.getConnection(env("BENCH_SIM_JDBC_URL", env("BENCH_JDBC_URL", null)));
    }

    /** The provider stub's base URL (BENCH_SIM=stub, StubKie.java), or null. */
    static String stubUrl() {
        return System.getenv("BENCH_SIM_STUB_URL");
    }

    /** A GET of the provider stub's own listing endpoints (not KIE's). */
    static String stubGet(String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(stubUrl() + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("provider stub " + path + ": " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String baseUrl() {
        return env("BENCH_BASE_URL", "http://127.0.0.1:18471");
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw new IllegalStateException(name + " is not set");
            }
            return fallback;
        }
        return v;
    }

    static synchronized void result(String key, Object value) throws IOException {
        Files.writeString(RESULTS, key + "=" + value + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static void log(String format, Object... args) {
        System.out.println(Instant.now().toString().substring(11, 23) + " " + String.format(format, args));
    }

    private GenerateBench() {}
}
