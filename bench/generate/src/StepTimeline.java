import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What else happened during a step, second by second, so that a step whose p99 is high says why: the
 * requests' p99 per second of intended send time next to what PostgreSQL and the app's JVM were doing
 * in that second. A sampler thread reads, every 250 ms on one connection of its own: the autovacuum
 * workers and the tables they vacuum or analyse, the buffers written by checkpoints so far (a spread
 * checkpoint's writes, and after it the full-page images every first change of a page writes into the
 * WAL), the WAL's full-page images so far, and the app's sessions waiting on a lock or on I/O. After
 * the step, the app's GC pauses (its {@code -Xlog:gc} file, $BENCH_GC_LOG) are added per second.
 *
 * <p>Output: {@code timeline-<step>.tsv} (one row per second) and the results {@code <key>.worst_second},
 * {@code .worst_second_p99_ms}, {@code .autovacuum_seconds} (seconds with a worker running),
 * {@code .autovacuum_tables}, {@code .checkpoint_buffers}, {@code .wal_fpi}, {@code .gc_pause_ms},
 * {@code .gc_pause_max_ms}, {@code .lock_waits_max}. The sampler's own queries run as the harness's role
 * and cost ~4 catalog reads a second: not the app's work, and the same in every step.
 */
final class StepTimeline {

    private static final long SAMPLE_MS = 250;
    private static final Pattern GC_PAUSE = Pattern.compile("^\\[([^\\]]+)\\].*Pause.* ([0-9.]+)ms$");

    /** One sample: when, autovacuum workers, their tables, checkpoint buffers and WAL FPIs so far, waits. */
    private record Sample(long atMillis, int autovacuum, String tables, long checkpointBuffers, long walFpi,
            int lockWaits, int ioWaits) {}

    private final String step;
    private final long fromMillis;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean stop;
    private volatile String failure;

    private StepTimeline(String step) {
        this.step = step;
        this.fromMillis = System.currentTimeMillis();
        this.sampler = new Thread(this::sample, "timeline-" + step);
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    /** Starts sampling; call right before the step's load starts. */
    static StepTimeline start(String step) {
        return new StepTimeline(step);
    }

    private void sample() {
        try (Connection c = GenerateBench.db(); Statement st = c.createStatement()) {
            int version;
            try (ResultSet rs = st.executeQuery("select current_setting('server_version_num')::int")) {
                rs.next();
                version = rs.getInt(1);
            }
            // PostgreSQL 17 moved the checkpointer's counters out of pg_stat_bgwriter
            String checkpointBuffers = version >= 170000
                    ? "(select buffers_written from pg_stat_checkpointer)"
                    : "(select buffers_checkpoint from pg_stat_bgwriter)";
            String query = "select (select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'),"
                    + " (select string_agg(distinct regexp_replace(query, '^autovacuum: (VACUUM|ANALYZE|VACUUM ANALYZE)"
                    + " (public\\.)?', ''), ',') from pg_stat_activity where backend_type = 'autovacuum worker'),"
                    + " " + checkpointBuffers + ","
                    + " (select wal_fpi from pg_stat_wal),"
                    + " (select count(*) from pg_stat_activity where backend_type = 'client backend'"
                    + "   and usename <> current_user and wait_event_type = 'Lock'),"
                    + " (select count(*) from pg_stat_activity where backend_type = 'client backend'"
                    + "   and usename <> current_user and wait_event_type = 'IO')";
            while (!stop) {
                long at = System.currentTimeMillis();
                try (ResultSet rs = st.executeQuery(query)) {
                    rs.next();
                    Sample s = new Sample(at, rs.getInt(1), rs.getString(2) == null ? "" : rs.getString(2),
                            rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getInt(6));
                    synchronized (samples) {
                        samples.add(s);
                    }
                }
                long next = at + SAMPLE_MS - System.currentTimeMillis();
                if (next > 0) {
                    Thread.sleep(next); // sampling period, not a wait for a condition
                }
            }
        } catch (SQLException | InterruptedException e) {
            failure = e.toString();
        }
    }

    /**
     * Stops sampling and writes the step's timeline. {@code latencyTsv} is the step's latency file
     * (intended offset in ms, latency in µs, status), written by {@code Load.run}; offset 0 is ~20 ms
     * after {@link #start}.
     */
    void finish(String key, Path latencyTsv) throws IOException, InterruptedException {
        stop = true;
        sampler.join(5_000);
        List<long[]> perSecondLatencies = new ArrayList<>();
        List<Integer> perSecondBad = new ArrayList<>();
        List<String> lines = Files.readAllLines(latencyTsv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            int second = (int) (Long.parseLong(f[0]) / 1000);
            while (perSecondLatencies.size() <= second) {
                perSecondLatencies.add(new long[0]);
                perSecondBad.add(0);
            }
            long[] a = perSecondLatencies.get(second);
            a = Arrays.copyOf(a, a.length + 1);
            a[a.length - 1] = Long.parseLong(f[1]);
            perSecondLatencies.set(second, a);
            if (!f[2].startsWith("2")) {
                perSecondBad.set(second, perSecondBad.get(second) + 1);
            }
        }
        double[] gcPerSecond = new double[perSecondLatencies.size() + 1];
        double gcTotal = 0;
        double gcMax = 0;
        String gcLog = System.getenv("BENCH_GC_LOG");
        if (gcLog != null && Files.exists(Path.of(gcLog))) {
            for (String line : Files.readAllLines(Path.of(gcLog))) {
                Matcher m = GC_PAUSE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long at = OffsetDateTime.parse(m.group(1), GC_TIME).toInstant().toEpochMilli();
                int second = (int) Math.floorDiv(at - fromMillis - 20, 1000);
                if (second < 0 || second >= gcPerSecond.length) {
                    continue;
                }
                double ms = Double.parseDouble(m.group(2));
                gcPerSecond[second] += ms;
                gcTotal += ms;
                gcMax = Math.max(gcMax, ms);
            }
        }
        List<Sample> taken;
        synchronized (samples) {
            taken = new ArrayList<>(samples);
        }
        StringBuilder out = new StringBuilder("second\trequests\tp99_ms\tmax_ms\tnot_2xx\tautovacuum_workers"
                + "\tautovacuum_tables\tcheckpoint_buffers\twal_fpi\tlock_waits_max\tio_waits_max\tgc_pause_ms\n");
        TreeSet<String> vacuumed = new TreeSet<>();
        int autovacuumSeconds = 0;
        int lockWaitsMax = 0;
        int worst = -1;
        long worstP99 = -1;
        Sample first = taken.isEmpty() ? null : taken.get(0);
        Sample previous = first;
        for (int sec = 0; sec < perSecondLatencies.size(); sec++) {
            long[] a = perSecondLatencies.get(sec).clone();
            Arrays.sort(a);
            long p99 = a.length == 0 ? 0 : a[Math.min(a.length - 1, (int) Math.ceil(a.length * 0.99) - 1)];
            long max = a.length == 0 ? 0 : a[a.length - 1];
            if (p99 > worstP99) {
                worstP99 = p99;
                worst = sec;
            }
            int workers = 0;
            int lockWaits = 0;
            int ioWaits = 0;
            TreeSet<String> tables = new TreeSet<>();
            Sample last = previous;
            for (Sample s : taken) {
                int sampleSecond = (int) Math.floorDiv(s.atMillis - fromMillis - 20, 1000);
                if (sampleSecond != sec) {
                    continue;
                }
                workers = Math.max(workers, s.autovacuum);
                lockWaits = Math.max(lockWaits, s.lockWaits);
                ioWaits = Math.max(ioWaits, s.ioWaits);
                if (!s.tables.isEmpty()) {
                    tables.addAll(Arrays.asList(s.tables.split(",")));
                }
                last = s;
            }
            if (workers > 0) {
                autovacuumSeconds++;
            }
            vacuumed.addAll(tables);
            lockWaitsMax = Math.max(lockWaitsMax, lockWaits);
            long checkpointBuffers = last == null || previous == null ? 0 : last.checkpointBuffers - previous.checkpointBuffers;
            long walFpi = last == null || previous == null ? 0 : last.walFpi - previous.walFpi;
            previous = last;
            out.append(sec).append('\t').append(a.length).append('\t').append(p99 / 1000.0).append('\t')
                    .append(max / 1000.0).append('\t').append(perSecondBad.get(sec)).append('\t').append(workers)
                    .append('\t').append(String.join(",", tables)).append('\t').append(checkpointBuffers)
                    .append('\t').append(walFpi).append('\t').append(lockWaits).append('\t').append(ioWaits)
                    .append('\t').append(String.format("%.1f", gcPerSecond[sec])).append('\n');
        }
        Files.writeString(GenerateBench.OUT.resolve("timeline-" + step + ".tsv"), out.toString());
        Sample end = taken.isEmpty() ? null : taken.get(taken.size() - 1);
        long checkpointBuffers = first == null ? 0 : end.checkpointBuffers - first.checkpointBuffers;
        long walFpi = first == null ? 0 : end.walFpi - first.walFpi;
        GenerateBench.result(key + ".worst_second", worst);
        GenerateBench.result(key + ".worst_second_p99_ms", String.format("%.1f", worstP99 / 1000.0));
        GenerateBench.result(key + ".autovacuum_seconds", autovacuumSeconds);
        GenerateBench.result(key + ".autovacuum_tables", vacuumed.isEmpty() ? "-" : String.join(",", vacuumed));
        GenerateBench.result(key + ".checkpoint_buffers", checkpointBuffers);
        GenerateBench.result(key + ".wal_fpi", walFpi);
        GenerateBench.result(key + ".gc_pause_ms", String.format("%.1f", gcTotal));
        GenerateBench.result(key + ".gc_pause_max_ms", String.format("%.1f", gcMax));
        GenerateBench.result(key + ".lock_waits_max", lockWaitsMax);
        if (failure != null) {
            GenerateBench.result(key + ".timeline_error", failure.replace('\n', ' '));
        }
        GenerateBench.log("    worst second +%ds: p99 %.1f ms; autovacuum in %d of %d s (%s); checkpoint wrote %d buffers;"
                        + " WAL full-page images %d; GC pauses %.1f ms (longest %.1f); sessions waiting on a lock: at most %d%s",
                worst, worstP99 / 1000.0, autovacuumSeconds, perSecondLatencies.size(),
                vacuumed.isEmpty() ? "-" : String.join(",", vacuumed), checkpointBuffers, walFpi, gcTotal, gcMax,
                lockWaitsMax, failure == null ? "" : " (sampler failed: " + failure + ")");
    }

    /** The summary's table: for each step, its worst second and what ran beside it (steps without a timeline: none). */
    static String markdown(java.util.Map<String, String> r) {
        StringBuilder md = new StringBuilder("\nWhat ran beside each step (`timeline-<step>.tsv`: the worst second of"
                + " intended send time by p99; seconds with an autovacuum worker and its tables; buffers written by"
                + " checkpoints; WAL full-page images; the app's GC pauses, total and longest; the most app sessions"
                + " waiting on a lock at once):\n\n| step | p99 (ms) | worst second: p99 (ms) | autovacuum (s: tables)"
                + " | checkpoint buffers | WAL FPI | GC pauses ms (longest) | lock waits |\n|---|---|---|---|---|---|---|---|\n");
        boolean any = false;
        for (String rate : r.getOrDefault("bench.rates", "").split(",")) {
            for (String kind : new String[] {"get", "post"}) {
                String k = "accept." + kind + "." + rate.trim();
                if (!r.containsKey(k + ".worst_second")) {
                    continue;
                }
                any = true;
                md.append("| ").append(kind.toUpperCase()).append(' ').append(rate.trim()).append(" | ")
                        .append(r.get(k + ".p99_ms")).append(" | +").append(r.get(k + ".worst_second")).append(" s: ")
                        .append(r.get(k + ".worst_second_p99_ms")).append(" | ").append(r.get(k + ".autovacuum_seconds"))
                        .append(": ").append(r.get(k + ".autovacuum_tables")).append(" | ")
                        .append(r.get(k + ".checkpoint_buffers")).append(" | ").append(r.get(k + ".wal_fpi"))
                        .append(" | ").append(r.get(k + ".gc_pause_ms")).append(" (").append(r.get(k + ".gc_pause_max_ms"))
                        .append(") | ").append(r.get(k + ".lock_waits_max")).append(" |\n");
            }
        }
        return any ? md.toString() : "";
    }

    /** The {@code time} decoration of unified JVM logging: 2026-12-01T08:10:00.123+0000. */
    private static final DateTimeFormatter GC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
}
