import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor under the accept's latency (issue 15, eighth session): what a minimal transaction costs on the
 * same PostgreSQL server, at the same rate, in the same run. The POST promises with its 202 that the job
 * exists, so its commit waits for the WAL flush (synchronous_commit and fsync on); on a slow disk one
 * fdatasync takes ~20 ms and a commit arriving during a flush waits for that one and then its own. That
 * floor is the disk's, not renderbank's, and without it in the same run a POST p99 cannot be read.
 *
 * <p>After each step of {@link GenerateBench#accept()} (once the step's submits are done, so the app's
 * load does not overlap and the figure is the server's and the disk's alone), pgbench runs in
 * rate-limited mode ({@code -R} at the step's rate) on a database of its own on the app's server (same
 * WAL, same disk): after a POST step one autocommitted {@code INSERT} of a small row (a bare durable
 * commit), after a GET step a one-row {@code SELECT} by primary key (no commit to flush). Latencies come
 * from pgbench's per-transaction log ({@code --log}, µs), which under {@code -R} count from the
 * scheduled start, as the harness's open-loop latencies do. The clients (default 32) are enough that
 * pgbench does not queue behind its own busy connections; its schedule lag is recorded to show it.
 * Note: pgbench schedules a Poisson process, burstier than the harness's evenly spaced requests, so at
 * equal rates its tail is, if anything, a little pessimistic as a floor.
 *
 * <p>run.sh creates the database and the two scripts and sets {@code BENCH_FLOOR_DIR} and
 * {@code BENCH_FLOOR_PGPORT}; without them (BENCH_FLOOR=0, DATABASE_URL, no pgbench) nothing runs.
 */
final class CommitFloor {

    static final String DIR = System.getenv("BENCH_FLOOR_DIR");
    static final String PORT = System.getenv("BENCH_FLOOR_PGPORT");

    static boolean on() {
        return DIR != null && !DIR.isBlank() && PORT != null && !PORT.isBlank();
    }

    /** Runs the floor for the step just measured: a durable write after a POST step, a read after a GET. */
    static void after(boolean post, int rate) throws Exception {
        if (!on()) {
            return;
        }
        int seconds = Integer.parseInt(GenerateBench.env("BENCH_FLOOR_SECONDS", "10"));
        int warmup = Integer.parseInt(GenerateBench.env("BENCH_FLOOR_WARMUP_SECONDS", "2"));
        int clients = Integer.parseInt(GenerateBench.env("BENCH_FLOOR_CLIENTS", "32"));
        String what = post ? "commit" : "read";
        String name = what + "-" + rate;
        // pgbench's -T also runs while the clients connect (seconds on a loaded machine), so it gets a margin;
        // the measured window is cut from the log by scheduled start (see below).
        int total = warmup + seconds + 5;
        if (!finished(pgbench(name, rate, clients, total, "-f", Path.of(DIR).resolve(what + ".sql").toString()), total, name)) {
            return;
        }
        List<long[]> tx = new ArrayList<>();
        int other = read(name, tx);
        // The window: from `warmup` s after the first scheduled start (each fresh backend's first statements
        // load its catalog caches and prepare; the first transactions are the new connections', not the
        // disk's), for `seconds` s, ending at the latest 1 s before the last scheduled start, so that nothing
        // scheduled in it was still running when pgbench stopped.
        long first = tx.stream().mapToLong(t -> t[0]).min().orElse(0);
        long last = tx.stream().mapToLong(t -> t[0]).max().orElse(0);
        long from = first + warmup * 1_000_000L;
        long to = Math.min(from + seconds * 1_000_000L, last - 1_000_000L);
        record("floor." + what, post ? "bare durable INSERT" : "one-row SELECT", rate, clients, tx, other, from, to);
    }

    /**
     * BENCH_FLOOR_DURING=N (0: off, the default): a probe beside the step itself, N tx/s of the bare durable
     * INSERT and N tx/s of the one-row SELECT mixed at random in one pgbench (two scripts, equal weights), so
     * that their latencies show what a bare commit and a bare read cost while the app's load holds the CPU and
     * the WAL: a slow commit beside a fast read points at the WAL flush, both slow at the CPU. Started 3 s
     * before the step (its connections and warm-up), read by scheduled start within the step. Its
     * transactions add to the step's PostgreSQL CPU and write counts.
     */
    static Process startDuring(boolean post, int rate, int stepSeconds) throws Exception {
        int probe = Integer.parseInt(GenerateBench.env("BENCH_FLOOR_DURING", "0"));
        if (!on() || probe <= 0) {
            return null;
        }
        Path dir = Path.of(DIR);
        Process p = pgbench("during-" + (post ? "post" : "get") + "-" + rate, 2 * probe, 8, 3 + stepSeconds + 4,
                "-f", dir.resolve("commit.sql") + "@1", "-f", dir.resolve("read.sql") + "@1");
        Thread.sleep(3000);
        return p;
    }

    static void finishDuring(Process p, boolean post, int rate, long fromMicros, long toMicros) throws Exception {
        if (p == null) {
            return;
        }
        String name = "during-" + (post ? "post" : "get") + "-" + rate;
        if (!finished(p, 30, name)) {
            return;
        }
        List<long[]> tx = new ArrayList<>();
        int other = read(name, tx);
        String k = "floor.during_" + (post ? "post" : "get") + "_";
        String step = post ? " during the POST step" : " during the GET step";
        record(k + "commit", "bare durable INSERT" + step, rate, 8, script(tx, 0), other, fromMicros, toMicros);
        record(k + "read", "one-row SELECT" + step, rate, 8, script(tx, 1), other, fromMicros, toMicros);
    }

    static List<long[]> script(List<long[]> tx, int scriptNo) {
        return tx.stream().filter(t -> t[3] == scriptNo).toList();
    }

    static Process pgbench(String name, int rate, int clients, int seconds, String... scripts) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-R", String.valueOf(rate),
                "-T", String.valueOf(seconds), "-c", String.valueOf(clients), "-j", "2",
                "--log", "--log-prefix=" + Path.of(DIR).resolve(name)));
        cmd.addAll(Arrays.asList(scripts));
        cmd.add("commit_floor");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Path.of(DIR).resolve(name + ".txt").toFile());
        pb.environment().put("PGHOST", "127.0.0.1");
        pb.environment().put("PGPORT", PORT);
        pb.environment().put("PGUSER", "postgres");
        return pb.start();
    }

    static boolean finished(Process p, int seconds, String name) throws InterruptedException {
        if (p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            return true;
        }
        p.destroyForcibly();
        GenerateBench.log("  floor %s: pgbench did not finish", name);
        return false;
    }

    /** pgbench's per-transaction log into {scheduled start (µs since the epoch), latency (µs), lag (µs), script}. */
    static int read(String name, List<long[]> tx) throws IOException {
        int other = 0;
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(Path.of(DIR), name + ".*")) {
            for (Path log : logs) {
                if (log.getFileName().toString().endsWith(".txt")) {
                    continue;
                }
                for (String line : Files.readAllLines(log)) {
                    // client_id transaction_no time script_no time_epoch time_us schedule_lag (with -R); time
                    // counts from the scheduled start, and time_epoch/time_us is the completion
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 7 || !f[2].chars().allMatch(Character::isDigit)) {
                        other++; // "skipped"/"failed" or a line without a schedule lag
                        continue;
                    }
                    long time = Long.parseLong(f[2]);
                    long done = Long.parseLong(f[4]) * 1_000_000L + Long.parseLong(f[5]);
                    tx.add(new long[] {done - time, time, Long.parseLong(f[6]), Long.parseLong(f[3])});
                }
            }
        }
        return other;
    }

    /** The transactions scheduled in [from, to) µs: count, rate, p50/p99/max latency, p99 schedule lag. */
    static void record(String k, String label, int rate, int clients, List<long[]> tx, int other, long from, long to)
            throws IOException {
        List<Long> latency = new ArrayList<>();
        List<Long> lag = new ArrayList<>();
        for (long[] t : tx) {
            if (t[0] >= from && t[0] < to) {
                latency.add(t[1]);
                lag.add(t[2]);
            }
        }
        double window = Math.max(0, to - from) / 1e6;
        GenerateBench.result(k + "_clients." + rate, clients);
        GenerateBench.result(k + "_seconds." + rate, String.format("%.1f", window));
        GenerateBench.result(k + "_tx." + rate, latency.size());
        GenerateBench.result(k + "_not_done." + rate, other);
        GenerateBench.result(k + "_load1." + rate, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        if (latency.isEmpty()) {
            GenerateBench.log("  floor %s at %d/s: no transactions logged in the window", label, rate);
            return;
        }
        long[] l = sortedNanos(latency);
        long[] g = sortedNanos(lag);
        double tps = latency.size() / window;
        GenerateBench.result(k + "_tps." + rate, String.format("%.0f", tps));
        GenerateBench.result(k + "_p50_ms." + rate, GenerateBench.ms(GenerateBench.pct(l, 50)));
        GenerateBench.result(k + "_p99_ms." + rate, GenerateBench.ms(GenerateBench.pct(l, 99)));
        GenerateBench.result(k + "_max_ms." + rate, GenerateBench.ms(l[l.length - 1]));
        GenerateBench.result(k + "_lag_p99_ms." + rate, GenerateBench.ms(GenerateBench.pct(g, 99)));
        GenerateBench.log("  floor (%s, step rate %d/s, %d clients, %.1f s on the app's server): p50 %s / p99 %s / max %s ms,"
                        + " %.0f tx/s, schedule lag p99 %s ms",
                label, rate, clients, window,
                GenerateBench.ms(GenerateBench.pct(l, 50)), GenerateBench.ms(GenerateBench.pct(l, 99)),
                GenerateBench.ms(l[l.length - 1]), tps, GenerateBench.ms(GenerateBench.pct(g, 99)));
    }

    static long[] sortedNanos(List<Long> micros) {
        long[] a = micros.stream().mapToLong(v -> v * 1000).toArray();
        Arrays.sort(a);
        return a;
    }

    /** After all steps: the ratios and the highest rate at which the bare commit kept p99 <= 50 ms. */
    static void summarise(int[] rates) throws IOException {
        if (!on()) {
            return;
        }
        Map<String, String> r = GenerateBench.readResults();
        int best = 0;
        for (int rate : rates) {
            String commit = r.get("floor.commit_p99_ms." + rate);
            String post = r.get("accept.post." + rate + ".p99_ms");
            String get = r.get("accept.get." + rate + ".p99_ms");
            String read = r.get("floor.read_p99_ms." + rate);
            if (commit != null && post != null) {
                GenerateBench.result("floor.post_over_commit_p99." + rate,
                        String.format("%.1f", GenerateBench.num(post) / GenerateBench.num(commit)));
            }
            if (read != null && get != null) {
                GenerateBench.result("floor.get_over_read_p99." + rate,
                        String.format("%.1f", GenerateBench.num(get) / GenerateBench.num(read)));
            }
        }
        for (int rate : rates) {
            double p99 = GenerateBench.num(r.get("floor.commit_p99_ms." + rate));
            double tps = GenerateBench.num(r.get("floor.commit_tps." + rate));
            // the highest rate up to which every floor kept p99 <= 50 ms, as for the POST; the count of a
            // Poisson schedule over 10 s strays by ~3 % (one standard deviation at 100/s), so 90 %, not 95 %,
            // tells pgbench falling behind from chance (its latency counts from the schedule anyway)
            if (!(p99 <= 50) || !(tps >= 0.9 * rate)) {
                break;
            }
            best = rate;
        }
        GenerateBench.result("floor.best_commit_rate_p99_50ms", best);
    }

    /** The report's part: a table beside the accept table's rates, and the line next to the POST's. */
    static String markdown(Map<String, String> r) {
        if (!r.containsKey("floor.best_commit_rate_p99_50ms")) {
            return "";
        }
        StringBuilder md = new StringBuilder();
        String best = r.get("floor.best_commit_rate_p99_50ms");
        md.append("\nhighest rate at which a bare durable commit has p99 ≤ 50 ms: ")
                .append(best.equals("0") ? "none of the rates tried" : best + " tx/s")
                .append(" (the same server and disk, the same run; table below).\n");
        String[] rates = r.getOrDefault("bench.rates", "").split(",");
        String first = rates[0].trim();
        md.append("\nThe floor (same PostgreSQL server, same disk, same run): right after each step, once its submits")
                .append(" were done, pgbench at the step's rate (`-R`, Poisson arrivals, ")
                .append(r.getOrDefault("floor.commit_clients." + first, "?")).append(" clients, ")
                .append(r.getOrDefault("floor.commit_seconds." + first, "?"))
                .append(" s; latency from the scheduled start, as the harness's) of a bare durable commit"
                        + " (one autocommitted INSERT of a small row) after the POST step, and of a one-row"
                        + " SELECT after the GET step:\n\n");
        md.append("| rate | POST p99 (ms) | bare commit p50 / p99 / max (ms) | achieved | POST p99 / commit p99"
                + " | GET p99 (ms) | one-row SELECT p50 / p99 / max (ms) | GET p99 / SELECT p99 | load after commit, SELECT |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String s : rates) {
            String rate = s.trim();
            md.append("| ").append(rate).append(" | ")
                    .append(r.getOrDefault("accept.post." + rate + ".p99_ms", "?")).append(" | ")
                    .append(latencies(r, "floor.commit", rate)).append(" | ")
                    .append(r.getOrDefault("floor.commit_tps." + rate, "?")).append("/s | ")
                    .append(r.getOrDefault("floor.post_over_commit_p99." + rate, "?")).append("× | ")
                    .append(r.getOrDefault("accept.get." + rate + ".p99_ms", "?")).append(" | ")
                    .append(latencies(r, "floor.read", rate)).append(" | ")
                    .append(r.getOrDefault("floor.get_over_read_p99." + rate, "?")).append("× | ")
                    .append(r.getOrDefault("floor.commit_load1." + rate, "?")).append(", ")
                    .append(r.getOrDefault("floor.read_load1." + rate, "?")).append(" |\n");
        }
        if (r.keySet().stream().anyMatch(k -> k.startsWith("floor.during_"))) {
            md.append("\nThe same minimal transactions beside the step itself (BENCH_FLOOR_DURING: one pgbench of ")
                    .append(r.getOrDefault("floor.during_post_commit_clients." + first, "?"))
                    .append(" clients, bare commits and one-row SELECTs mixed at a low rate of their own during each"
                            + " step, read by scheduled start within the step; they add their own work to the step's)."
                            + " A slow commit beside a fast read points at the WAL flush, both slow at the CPU:\n\n");
            md.append("| rate | POST p99 (ms) | during the POST step: commit p50 / p99 / max (ms) | read p50 / p99 / max (ms)"
                    + " | GET p99 (ms) | during the GET step: commit p50 / p99 / max (ms) | read p50 / p99 / max (ms) |\n"
                    + "|---|---|---|---|---|---|---|\n");
            for (String s : rates) {
                String rate = s.trim();
                md.append("| ").append(rate).append(" | ")
                        .append(r.getOrDefault("accept.post." + rate + ".p99_ms", "?")).append(" | ")
                        .append(triple(r, "floor.during_post_commit", rate)).append(" | ")
                        .append(triple(r, "floor.during_post_read", rate)).append(" | ")
                        .append(r.getOrDefault("accept.get." + rate + ".p99_ms", "?")).append(" | ")
                        .append(triple(r, "floor.during_get_commit", rate)).append(" | ")
                        .append(triple(r, "floor.during_get_read", rate)).append(" |\n");
            }
        }
        return md.toString();
    }

    static String latencies(Map<String, String> r, String k, String rate) {
        return r.getOrDefault(k + "_p50_ms." + rate, "?") + " / " + r.getOrDefault(k + "_p99_ms." + rate, "?") + " / "
                + r.getOrDefault(k + "_max_ms." + rate, "?");
    }

    static String triple(Map<String, String> r, String k, String rate) {
        return latencies(r, k, rate) + " (" + r.getOrDefault(k + "_tx." + rate, "?") + " tx)";
    }

    private CommitFloor() {}
}
