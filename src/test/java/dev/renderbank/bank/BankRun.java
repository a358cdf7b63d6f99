package dev.renderbank.bank;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Jepsen-style bank run against real app processes (bench/bank/run.sh, bench/cluster/run.sh and,
 * smaller, {@link BankIT}): PostgreSQL and N nodes of the packaged jar with the provider
 * simulator's faults and a dead mail server; clients for {@code seconds}; mid-run one node is
 * killed with SIGKILL and started again, and PostgreSQL is stopped for {@code outage} and started
 * again; then, once everything has settled, the {@link BankVerdict}. With {@code throughput}, one
 * node's and all nodes' throughput are measured first, in the same run.
 */
public final class BankRun {

    /**
     * @param deadline the image jobs' deadline (videos get 30 s more). A job whose createTask timed
     *     out is UNKNOWN until a callback or its deadline, and the callback of a task whose id never
     *     came back cannot be matched, so the settling after the load lasts up to one deadline.
     */
    record Config(
            Path dir,
            Path jar,
            int nodes,
            int clients,
            Duration load,
            Duration outage,
            Duration throughput,
            Duration deadline) {

        static Config fromEnvironment() {
            return new Config(
                    Path.of(env("BANK_OUT", "target/bank")),
                    Path.of(env("BANK_JAR", "target/renderbank.jar")),
                    Integer.parseInt(env("BANK_NODES", "1")),
                    Integer.parseInt(env("BANK_CLIENTS", "64")),
                    Duration.ofSeconds(Long.parseLong(env("BANK_SECONDS", "150"))),
                    Duration.ofSeconds(Long.parseLong(env("BANK_DB_OUTAGE_SECONDS", "10"))),
                    Duration.ofSeconds(Long.parseLong(env("BANK_THROUGHPUT_SECONDS", "0"))),
                    Duration.ofSeconds(Long.parseLong(env("BANK_DEADLINE_SECONDS", "150"))));
        }
    }

    /** The verdict and what the report needs. */
    record Outcome(boolean passed, String line, List<String> violations, Map<String, String> report) {}

    /** The faults and settings every node runs with (the simulator's faults are its own properties). */
    static List<String> nodeArgs(Config config) {
        List<String> args = new ArrayList<>(NODE_ARGS);
        args.add("--renderbank.jobs.deadline.image=" + config.deadline().toSeconds() + "s");
        args.add("--renderbank.jobs.deadline.video="
                + config.deadline().plusSeconds(30).toSeconds() + "s");
        // below each deadline (validated), as the defaults are below the production ones: a fifth
        args.add("--renderbank.jobs.min-time-left.image=" + config.deadline().toSeconds() / 5 + "s");
        args.add("--renderbank.jobs.min-time-left.video="
                + config.deadline().plusSeconds(30).toSeconds() / 5 + "s");
        return args;
    }

    private static final List<String> NODE_ARGS = List.of(
            "--renderbank.demo.enabled=false",
            // a killed node's picked tasks are taken over after 6 missed heartbeats: 30 s, not 2 min
            "--db-scheduler.heartbeat-interval=5s",
            "--renderbank.limits.cooldown.image=0s",
            "--renderbank.limits.cooldown.video=0s",
            "--renderbank.jobs.sweep-interval=5s",
            "--renderbank.jobs.max-poll=10s",
            "--renderbank.provider.kie.read-timeout=10s",
            "--renderbank.provider.balance.recheck-interval=5s",
            "--renderbank.simulator.image-duration=2s",
            "--renderbank.simulator.video-duration=5s",
            "--renderbank.simulator.balance=100000000",
            "--renderbank.simulator.faults.submit-error-rate=0.02",
            "--renderbank.simulator.faults.submit-timeout-rate=0.02",
            "--renderbank.simulator.faults.submit-delay=12s",
            "--renderbank.simulator.faults.out-of-credits-rate=0.01",
            "--renderbank.simulator.faults.duplicate-callback-rate=0.2",
            "--renderbank.simulator.faults.callback-delay-max=5s",
            "--renderbank.simulator.faults.download-failure-rate=0.05",
            "--renderbank.ops.max-grant=100000",
            "--renderbank.ops.max-grant-per-day=1000000000",
            "--renderbank.payments.sweep-interval=3s",
            "--renderbank.webhooks.allow-private-hosts=true",
            "--renderbank.webhooks.first-retry=2s",
            "--renderbank.webhooks.send-interval=2s",
            "--renderbank.mail.send-interval=5s");

    private BankRun() {}

    public static void main(String[] args) throws Exception {
        Outcome outcome = run(Config.fromEnvironment());
        outcome.violations().stream().limit(50).forEach(v -> System.out.println("violation: " + v));
        outcome.report().forEach((k, v) -> System.out.println(k + "=" + v));
        System.out.println(outcome.line());
        System.exit(outcome.passed() ? 0 : 1);
    }

    static Outcome run(Config config) throws Exception {
        long started = System.nanoTime();
        Map<String, String> report = new TreeMap<>();
        report.put("loadavg.start", loadAverage());
        Files.createDirectories(config.dir());
        try (BankProcesses processes = new BankProcesses(config.dir(), config.jar(), nodeArgs(config));
                BankHooks hooks = new BankHooks()) {
            processes.startDatabase();
            BankLedger db = new BankLedger(processes.jdbcUrl());
            for (int i = 0; i < config.nodes(); i++) {
                BankProcesses.Node node = processes.addNode();
                Instant t = Instant.now();
                processes.start(node);
                processes.awaitUp(node, Duration.ofMinutes(4));
                report.put(
                        "node" + i + ".startSeconds",
                        Long.toString(Duration.between(t, Instant.now()).toSeconds()));
            }
            List<BankClients.User> users = db.seed(config.clients());
            String admin = users.get(0).token();
            List<BankClients.User> players = users.subList(1, users.size());
            BankClients setup = new BankClients(() -> urls(processes, false), admin, db);
            for (BankClients.User u : players) {
                setup.call(
                        "seed-grant",
                        admin,
                        "POST",
                        "/api/v1/admin/users/" + u.id() + "/grants",
                        "{\"amount\":20000,\"reason\":\"bank test seed\",\"notify\":false}",
                        "bank-seed-" + u.id());
                if (u.id() % 4 == 0) {
                    setup.call(
                            "seed-hook",
                            u.token(),
                            "POST",
                            "/api/v1/webhook-endpoints",
                            "{\"url\":\"" + hooks.url(u.id())
                                    + "\",\"events\":[\"generation.completed\",\"generation.failed\"]}",
                            null);
                }
            }
            report.put("setup.answers", setup.answers.toString());
            List<String> violations = new ArrayList<>();
            if (!config.throughput().isZero()) {
                violations.addAll(BankThroughput.measure(processes, db, players, admin, config.throughput(), report));
            }

            BankClients clients = new BankClients(() -> urls(processes, true), admin, db);
            long commitsBefore = db.commits();
            Instant loadStart = Instant.now();
            // the load goes on until both disasters are over (a slow restart must not leave the
            // database outage without clients), and at least 10 s past them
            AtomicReference<Instant> until = new AtomicReference<>(loadStart.plus(config.load()));
            Thread chaos = new Thread(
                    () -> {
                        BankChaos.run(processes, config, loadStart, report);
                        until.accumulateAndGet(Instant.now().plusSeconds(10), (a, b) -> a.isAfter(b) ? a : b);
                    },
                    "bank-chaos");
            chaos.start();
            clients.run(players, () -> chaos.isAlive() ? Instant.MAX : until.get());
            chaos.join();
            report.put(
                    "load.seconds",
                    Long.toString(Duration.between(loadStart, Instant.now()).toSeconds()));
            report.put("answers", new TreeMap<>(clients.answers).toString());

            Instant settleStart = Instant.now();
            settle(db, "select count(*) from generation_job where state in " + BankLedger.LIVE, Duration.ofMinutes(4));
            // payment events stored for a retry (a refund sent before its purchase) get a few sweeps
            settle(
                    db,
                    "select count(*) from payment_event where status = 'RECEIVED'"
                            + " or (status = 'FAILED' and next_attempt_at is not null)",
                    Duration.ofSeconds(30));
            report.put(
                    "settle.seconds",
                    Long.toString(Duration.between(settleStart, Instant.now()).toSeconds()));
            long commits = db.commits() - commitsBefore;
            report.put("commits", Long.toString(commits));
            report.put(
                    "commitsPerAcceptedJob",
                    clients.accepted.isEmpty()
                            ? "n/a"
                            : String.format("%.1f", (double) commits / clients.accepted.size()));
            report.put("loadavg.end", loadAverage());
            report.put(
                    "jobs.byOutcome",
                    db.rows("select state, error_code, count(*) from generation_job group by 1, 2")
                            .toString());

            BankVerdict verdict = new BankVerdict(db).check(clients, hooks, processes.jdbcUrl());
            if (report.containsKey("chaos.error")) {
                violations.add("the disasters did not all happen: " + report.get("chaos.error"));
            }
            verdict.violations.addAll(violations);
            verdict.violations.addAll(clients.violations);
            clients.close();
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            return new Outcome(
                    verdict.violations.isEmpty(), verdict.line(seconds), List.copyOf(verdict.violations), report);
        }
    }

    /** The nodes clients may use: the live ones (all, when none is, so the refusals are counted). */
    static List<String> urls(BankProcesses processes, boolean liveOnly) {
        List<String> live = processes.nodes().stream()
                .filter(n -> !liveOnly || n.alive())
                .map(BankProcesses.Node::baseUrl)
                .toList();
        return live.isEmpty()
                ? processes.nodes().stream().map(BankProcesses.Node::baseUrl).toList()
                : live;
    }

    /** Waits until the count is zero (callbacks, polls and sweeps at work), or {@code within} passed. */
    private static void settle(BankLedger db, String count, Duration within) {
        try {
            Awaitility.await("settled: " + count)
                    .atMost(within)
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> db.number(count) == 0);
        } catch (ConditionTimeoutException unsettled) {
            // the verdict counts what is still live as a violation
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
