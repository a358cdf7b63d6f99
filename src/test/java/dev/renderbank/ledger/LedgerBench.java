package dev.renderbank.ledger;

import com.zaxxer.hikari.HikariDataSource;
import dev.renderbank.ledger.internal.ClawbackStore;
import dev.renderbank.ledger.internal.DebtAttribution;
import dev.renderbank.ledger.internal.DebtWaiverStore;
import dev.renderbank.ledger.internal.FreedCredits;
import dev.renderbank.ledger.internal.GrantStore;
import dev.renderbank.ledger.internal.Grants;
import dev.renderbank.ledger.internal.HistoryPages;
import dev.renderbank.ledger.internal.HoldStore;
import dev.renderbank.ledger.internal.InvariantCheck;
import dev.renderbank.ledger.internal.LedgerStore;
import dev.renderbank.ledger.internal.OpenHolds;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Benchmark harness, not a test (bench/ledger/run.sh runs it): reserve+capture pairs per second
 * through the real {@link Ledger} on a PostgreSQL server, with the same pool, transaction manager
 * and SQL as the application.
 *
 * <p>Arguments: {@code migrate JDBC_URL} applies the Flyway schema; {@code run JDBC_URL RESET_SQL
 * ACCOUNTS CLIENTS SECONDS WARMUP_SECONDS} resets the tables, warms up, resets again, measures and
 * prints {@code RESULT pairs_per_second=N pairs=N seconds=N invariants=ok|...}.
 */
public final class LedgerBench {

    private static final long PRICE = 5;

    private LedgerBench() {}

    public static void main(String[] args) throws Exception {
        String url = args[1];
        if (args[0].equals("migrate")) {
            try (HikariDataSource ds = dataSource(url, 2)) {
                Flyway.configure()
                        .dataSource(ds)
                        .locations("classpath:db/migration")
                        .load()
                        .migrate();
            }
            return;
        }
        String resetSql = Files.readString(Path.of(args[2]));
        int accounts = Integer.parseInt(args[3]);
        int clients = Integer.parseInt(args[4]);
        Duration measured = Duration.ofSeconds(Long.parseLong(args[5]));
        Duration warmup = Duration.ofSeconds(Long.parseLong(args[6]));
        try (HikariDataSource ds = dataSource(url, clients)) {
            JdbcClient jdbc = JdbcClient.create(ds);
            LedgerStore store = new LedgerStore(jdbc);
            DebtAttribution debts = new DebtAttribution(jdbc);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            Ledger ledger = new Ledger(
                    store,
                    new HoldStore(jdbc, store),
                    new OpenHolds(jdbc),
                    // no durable events: the bench announces no grant (Ledger#grantAnnounced)
                    new Grants(new GrantStore(jdbc, store, debts), tx, Clock.systemUTC(), null),
                    new ClawbackStore(jdbc),
                    new DebtWaiverStore(jdbc, debts),
                    new InvariantCheck(jdbc),
                    tx,
                    Clock.systemUTC(),
                    null, // no expiry sweep: the bench expires no hold
                    new FreedCredits(jdbc, debts),
                    new HistoryPages(store),
                    new dev.renderbank.ledger.internal.DebtCarry(jdbc, store, debts));
            reset(ds, resetSql);
            pairs(ledger, accounts, clients, warmup, "warm");
            reset(ds, resetSql);
            // An idle session reports its WAL and table counts within 10 s: wait, so the reset's and the
            // warm-up's own counts are not taken for the measurement's.
            TimeUnit.SECONDS.sleep(11);
            if (System.getenv("BENCH_PSS_RESET") != null) {
                jdbc.sql("select pg_stat_statements_reset()").query().singleRow();
            }
            Recording jfr = startRecording();
            Counts before = counts(jdbc);
            ServerCpu server = ServerCpu.of(jdbc);
            long serverTicks = server.ticks();
            long clientNanos = clientCpuNanos();
            long clientSys = ServerCpu.systemTicksOfThisProcess();
            long pairs = pairs(ledger, accounts, clients, measured, "run");
            clientNanos = clientCpuNanos() - clientNanos;
            clientSys = ServerCpu.systemTicksOfThisProcess() - clientSys;
            serverTicks = server.ticks() - serverTicks;
            if (jfr != null) {
                jfr.stop();
                jfr.dump(Path.of(System.getenv("BENCH_JFR")));
            }
            // Each client's table statistics reach pg_stat_user_tables when it has been idle a while
            // (up to 10 s): wait until every capture's hold update is counted.
            Counts after = counts(jdbc);
            for (long waitUntil = System.nanoTime() + 15_000_000_000L;
                    after.holdUpdates() - before.holdUpdates() < pairs && System.nanoTime() < waitUntil;
                    after = counts(jdbc)) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            InvariantReport report = ledger.checkInvariants();
            System.out.printf(
                    "RESULT pairs_per_second=%.0f pairs=%d seconds=%d wal_bytes_per_pair=%.0f"
                            + " wal_records_per_pair=%.2f wal_fpi_per_pair=%.2f"
                            + " client_cpu_us_per_pair=%.0f client_kernel_share=%.2f server_cpu_us_per_pair=%.0f"
                            + " hold_updates=%d hold_hot_updates=%d invariants=%s%n",
                    pairs / (double) measured.toSeconds(),
                    pairs,
                    measured.toSeconds(),
                    (after.walBytes() - before.walBytes()) / (double) Math.max(1, pairs),
                    (after.walRecords() - before.walRecords()) / (double) Math.max(1, pairs),
                    (after.walFpi() - before.walFpi()) / (double) Math.max(1, pairs),
                    clientNanos / 1000.0 / Math.max(1, pairs),
                    clientSys * 10_000_000.0 / Math.max(1, clientNanos),
                    server.micros(serverTicks) / Math.max(1, pairs),
                    after.holdUpdates() - before.holdUpdates(),
                    after.holdHotUpdates() - before.holdHotUpdates(),
                    report.holds() ? "ok" : report.violations());
        }
    }

    private static long pairs(Ledger ledger, int accounts, int clients, Duration duration, String tag)
            throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Long>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String prefix = tag + "-" + c + "-" + System.nanoTime() + "-";
            done.add(pool.submit(() -> {
                long n = 0;
                while (System.nanoTime() < deadline) {
                    long user = 1 + ThreadLocalRandom.current().nextInt(accounts);
                    String key = prefix + n;
                    if (!(ledger.reserve(user, PRICE, key, Duration.ofMinutes(10)) instanceof ReserveResult.Reserved r
                            && !r.repeated())) {
                        throw new IllegalStateException("reserve refused: " + key);
                    }
                    if (!(ledger.capture(key) instanceof CaptureResult.Captured)) {
                        throw new IllegalStateException("capture refused: " + key);
                    }
                    n++;
                }
                return n;
            }));
        }
        long total = 0;
        for (Future<Long> f : done) {
            total += f.get();
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return total;
    }

    /** WAL position (bytes) and the hold table's updates, all and HOT, as PostgreSQL counts them. */
    private record Counts(long walBytes, long walRecords, long walFpi, long holdUpdates, long holdHotUpdates) {}

    private static Counts counts(JdbcClient jdbc) {
        return jdbc.sql("""
                        select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint as wal,
                               (select wal_records from pg_stat_wal) as records, (select wal_fpi from pg_stat_wal) as fpi,
                               n_tup_upd, n_tup_hot_upd
                          from pg_stat_user_tables where relname = 'credit_hold'""")
                .query((rs, n) -> new Counts(
                        rs.getLong("wal"),
                        rs.getLong("records"),
                        rs.getLong("fpi"),
                        rs.getLong("n_tup_upd"),
                        rs.getLong("n_tup_hot_upd")))
                .single();
    }

    /** With BENCH_JFR=file: a JFR recording ("profile" settings) of the measurement only. */
    private static Recording startRecording() throws Exception {
        if (System.getenv("BENCH_JFR") == null) {
            return null;
        }
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.start();
        return r;
    }

    /** CPU time of this JVM (all its threads: the clients, JIT, GC), in nanoseconds. */
    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time of the PostgreSQL server when it runs on this machine: the postmaster (with the
     * children it has reaped) and its live children, from /proc, in clock ticks. Same sum as
     * bench/ledger/run.sh's server_cpu for pgbench. Zero when /proc does not show the server.
     */
    private record ServerCpu(long postmaster) {

        static ServerCpu of(JdbcClient jdbc) {
            long backend = jdbc.sql("select pg_backend_pid()").query(Long.class).single();
            String[] stat = stat(backend);
            return new ServerCpu(stat == null ? -1 : Long.parseLong(stat[1]));
        }

        long ticks() {
            String[] own = stat(postmaster);
            if (own == null) {
                return 0;
            }
            long sum = field(own, 11) + field(own, 12) + field(own, 13) + field(own, 14);
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    String name = p.getFileName().toString();
                    if (name.chars().allMatch(Character::isDigit)) {
                        String[] s = stat(Long.parseLong(name));
                        if (s != null && Long.parseLong(s[1]) == postmaster) {
                            sum += field(s, 11) + field(s, 12);
                        }
                    }
                }
            } catch (java.io.IOException e) {
                return 0;
            }
            return sum;
        }

        /** Kernel (system) CPU time of this JVM in clock ticks: its share shows system calls' weight. */
        static long systemTicksOfThisProcess() {
            String[] own = stat(ProcessHandle.current().pid());
            return own == null ? 0 : field(own, 12);
        }

        double micros(long ticks) {
            return ticks * 10_000.0; // USER_HZ is 100 on Linux
        }

        /** The fields after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime, [13] cutime, [14] cstime. */
        private static String[] stat(long pid) {
            try {
                String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return line.substring(line.lastIndexOf(')') + 2).split(" ");
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }

        private static long field(String[] stat, int i) {
            return Long.parseLong(stat[i]);
        }
    }

    /** Runs the reset script statement by statement (it ends with a CHECKPOINT, which needs autocommit). */
    private static void reset(HikariDataSource ds, String sql) {
        JdbcClient jdbc = JdbcClient.create(ds);
        for (String statement : sql.split(";\\s*\\n")) {
            String code = statement
                    .lines()
                    .filter(line -> !line.trim().startsWith("--"))
                    .reduce("", (a, b) -> a + "\n" + b)
                    .trim();
            if (!code.isEmpty()) {
                jdbc.sql(code).update();
            }
        }
    }

    private static HikariDataSource dataSource(String url, int size) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setMaximumPoolSize(size);
        ds.setMinimumIdle(size);
        ds.setPoolName("ledger-bench");
        return ds;
    }
}
