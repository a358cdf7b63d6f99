import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * bench/generate's in-flight modes (issue 15), run by {@code BENCH_MODE=inflight|polling bench/generate/run.sh}:
 *
 * <ul>
 *   <li>{@code levels}: accept p99, CPU, write transactions and WAL per job, and RSS, measured by the same
 *       fixed-rate step (POST, then the GET baseline) with 0, 10,000 and 50,000 jobs in flight
 *       ({@code BENCH_INFLIGHT_LEVELS}); the jobs in flight are topped up between steps and never hear back.
 *   <li>{@code polling normal|lost}: the provider polling load per 1,000 jobs in flight per minute, counted
 *       in the app's access log (recordInfo requests to the simulator) minute by minute, with callbacks
 *       arriving (short tasks, callbacks every second) or lost (tasks never finish, no callbacks: polling only).
 * </ul>
 */
final class InFlightBench {

    private InFlightBench() {}

    public static void main(String[] args) throws Exception {
        Files.createDirectories(GenerateBench.OUT);
        switch (args.length == 0 ? "" : args[0]) {
            case "levels" -> levels();
            case "polling" -> polling(args[1]);
            case "report" -> report(args.length > 1 ? Path.of(args[1]) : null);
            default -> {
                System.err.println("usage: InFlightBench levels|polling normal|lost|report [docs/BENCHMARKS.md]");
                System.exit(2);
            }
        }
    }

    static void levels() throws Exception {
        GenerateBench.Load load = new GenerateBench.Load(GenerateBench.baseUrl(), GenerateBench.tokens());
        long pid = Long.parseLong(GenerateBench.env("BENCH_APP_PID", "0"));
        int rate = Integer.parseInt(GenerateBench.env("BENCH_INFLIGHT_RATE", "100"));
        int seconds = Integer.parseInt(GenerateBench.env("BENCH_STEP_SECONDS", "15"));
        int topupRate = Integer.parseInt(GenerateBench.env("BENCH_TOPUP_RATE", "300"));
        int[] levels = Arrays.stream(GenerateBench.env("BENCH_INFLIGHT_LEVELS", "0,10000,50000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim()))
                .toArray();
        GenerateBench.result("inflight.levels", GenerateBench.env("BENCH_INFLIGHT_LEVELS", "0,10000,50000"));
        GenerateBench.result("inflight.rate", rate);
        GenerateBench.log("warm-up: GET at %d/s for 10 s", rate);
        load.run("warmup-get", GenerateBench.Load.Kind.GET, rate, 10);
        for (int level : levels) {
            long live = GenerateBench.live(GenerateBench.states());
            if (live < level) {
                int missing = (int) (level - live);
                GenerateBench.log("topping up %d jobs in flight at %d/s", missing, topupRate);
                load.run("topup-" + level, GenerateBench.Load.Kind.POST, topupRate, (missing + topupRate - 1) / topupRate);
                GenerateBench.drain(600);
            }
            String k = "inflight." + level;
            GenerateBench.result(k + ".live_before", GenerateBench.live(GenerateBench.states()));
            for (GenerateBench.Load.Kind kind : List.of(GenerateBench.Load.Kind.POST, GenerateBench.Load.Kind.GET)) {
                String kk = k + "." + kind.name().toLowerCase();
                GenerateBench.Pgss.reset();
                GenerateBench.Cpu before = GenerateBench.Cpu.now(pid);
                GenerateBench.Counts counts = GenerateBench.Counts.now();
                GenerateBench.Load.Stats s = load.run(kk, kind, rate, seconds);
                GenerateBench.drain(120);
                GenerateBench.Cpu used = GenerateBench.Cpu.now(pid).minus(before);
                GenerateBench.Pgss.dump(kk, s.ok());
                GenerateBench.Counts.now().minus(counts).record(kk, s.ok());
                GenerateBench.result(kk + ".p50_ms", GenerateBench.ms(s.p50()));
                GenerateBench.result(kk + ".p99_ms", GenerateBench.ms(s.p99()));
                GenerateBench.result(kk + ".errors", s.n() - s.ok());
                GenerateBench.result(kk + ".achieved_rps", String.format("%.0f", s.achieved()));
                GenerateBench.result(kk + ".cpu_ms_per_request.app", String.format("%.2f", used.appMs() / s.n()));
                GenerateBench.result(kk + ".cpu_ms_per_request.postgres", String.format("%.2f", used.pgMs() / s.n()));
                GenerateBench.result(kk + ".cpu_ms_per_request.simulator", String.format("%.2f", used.simMs() / s.n()));
                GenerateBench.result(kk + ".cpu_ms_per_request.provider",
                        String.format("%.2f", (used.providerMs() + used.providerPgMs()) / s.n()));
                GenerateBench.result(kk + ".load1", load1());
            }
            GenerateBench.result(k + ".rss_mb", GenerateBench.rssMb(pid));
            GenerateBench.result(k + ".threads", GenerateBench.procStatus(pid, "Threads"));
        }
    }

    /**
     * Posts jobs for a while and counts, minute by minute, the recordInfo requests the simulator served
     * (the app's access log) against the jobs in flight (sampled every 5 s).
     */
    static void polling(String mode) throws Exception {
        GenerateBench.Load load = new GenerateBench.Load(GenerateBench.baseUrl(), GenerateBench.tokens());
        long pid = Long.parseLong(GenerateBench.env("BENCH_APP_PID", "0"));
        Path accessLogs = Path.of(GenerateBench.env("BENCH_ACCESS_LOG_DIR", "bench/generate/out/access"));
        int minutes = Integer.parseInt(GenerateBench.env("BENCH_POLL_MINUTES", "5"));
        String k = "polling." + mode;
        if (mode.equals("lost")) {
            int jobs = Integer.parseInt(GenerateBench.env("BENCH_POLL_JOBS", "3000"));
            load.run(k + "-post", GenerateBench.Load.Kind.POST, 100, (jobs + 99) / 100);
            GenerateBench.drain(120);
        }
        Thread poster = null;
        if (mode.equals("normal")) {
            // a steady stream: each job lives its task's duration plus the callback's delay
            int rate = Integer.parseInt(GenerateBench.env("BENCH_POLL_RATE", "20"));
            poster = new Thread(() -> {
                try {
                    load.run(k + "-post", GenerateBench.Load.Kind.POST, rate, minutes * 60 + 30);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            poster.start();
            Thread.sleep(30_000); // past the first jobs' lifetime: a steady state
        }
        long polls0 = recordInfos(accessLogs);
        List<String> rows = new ArrayList<>();
        double pollsPerThousandSum = 0;
        for (int m = 1; m <= minutes; m++) {
            GenerateBench.Cpu cpu = GenerateBench.Cpu.now(pid);
            long liveSum = 0;
            for (int i = 0; i < 12; i++) {
                liveSum += GenerateBench.live(GenerateBench.states());
                Thread.sleep(5_000);
            }
            long polls = recordInfos(accessLogs);
            GenerateBench.Cpu used = GenerateBench.Cpu.now(pid).minus(cpu);
            double live = liveSum / 12.0;
            double perThousand = live > 0 ? (polls - polls0) / (live / 1000) : 0;
            pollsPerThousandSum += perThousand;
            rows.add(String.format("%d:%d:%.0f:%.0f:%.0f:%.0f:%s", m, polls - polls0, live, perThousand,
                    used.appMs(), used.pgMs(), load1()));
            GenerateBench.log("  polling %s, minute %d: %d recordInfo, %.0f in flight on average -> %.0f per 1,000"
                    + " in flight; CPU app %.0f ms, PostgreSQL %.0f ms", mode, m, polls - polls0, live, perThousand,
                    used.appMs(), used.pgMs());
            polls0 = polls;
        }
        if (poster != null) {
            poster.join();
            // the next phase starts from no job in flight
            long until = System.nanoTime() + 180_000_000_000L;
            while (GenerateBench.live(GenerateBench.states()) > 0 && System.nanoTime() < until) {
                Thread.sleep(1000);
            }
        }
        GenerateBench.result(k + ".minutes", String.join(",", rows));
        GenerateBench.result(k + ".per_thousand_per_minute", String.format("%.0f", pollsPerThousandSum / minutes));
    }

    static long recordInfos(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try (Stream<String> lines = Files.lines(f)) {
                    n += lines.filter(l -> l.contains("/sim/kie/api/v1/jobs/recordInfo")).count();
                }
            }
        }
        return n;
    }

    static String load1() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    static void report(Path docs) throws Exception {
        Map<String, String> r = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GenerateBench.RESULTS)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                r.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        // each mode writes its own marked part, so a polling run does not wipe an in-flight run's table
        String marker = r.containsKey("inflight.levels") ? "inflight" : "polling";
        StringBuilder md = new StringBuilder("<!-- " + marker + ":begin (written by BENCH_MODE=" + marker
                + " bench/generate/run.sh) -->\n");
        md.append("Measured ").append(r.getOrDefault("machine.date", "?")).append(", load average at start ")
                .append(r.getOrDefault("machine.load_start", "?")).append(", at end ")
                .append(r.getOrDefault("machine.load_end", "?")).append("; pgbench simple-update ")
                .append(r.getOrDefault("machine.pgbench_simple_update_tps", "?")).append(" tps.\n\n");
        if (r.containsKey("inflight.levels")) {
            md.append("Same step at ").append(r.get("inflight.rate"))
                    .append(" req/s with jobs in flight (POST generate-image, then the GET /credits baseline):\n\n");
            md.append("| in flight before | POST p50 / p99 (ms) | POST CPU ms/job app + PG | POST write tx/job app"
                    + " (+ simulator) | WAL bytes/job | GET p99 (ms) | GET CPU ms app + PG | RSS MB | threads | load |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (String level : r.get("inflight.levels").split(",")) {
                String k = "inflight." + level.trim();
                md.append("| ").append(r.get(k + ".live_before")).append(" | ")
                        .append(r.get(k + ".post.p50_ms")).append(" / ").append(r.get(k + ".post.p99_ms")).append(" | ")
                        .append(r.get(k + ".post.cpu_ms_per_request.app")).append(" + ")
                        .append(r.get(k + ".post.cpu_ms_per_request.postgres")).append(" | ")
                        .append(r.get(k + ".post.write_tx_per_request.app")).append(" (+ ")
                        .append(r.get(k + ".post.write_tx_per_request.simulator")).append(") | ")
                        .append(r.get(k + ".post.wal_bytes_per_request")).append(" | ")
                        .append(r.get(k + ".get.p99_ms")).append(" | ")
                        .append(r.get(k + ".get.cpu_ms_per_request.app")).append(" + ")
                        .append(r.get(k + ".get.cpu_ms_per_request.postgres")).append(" | ")
                        .append(r.get(k + ".rss_mb")).append(" | ").append(r.get(k + ".threads")).append(" | ")
                        .append(r.get(k + ".post.load1")).append(" |\n");
            }
            md.append('\n');
        }
        for (String mode : List.of("normal", "lost")) {
            String k = "polling." + mode;
            if (!r.containsKey(k + ".minutes")) {
                continue;
            }
            md.append("Provider polling, callbacks ").append(mode.equals("normal") ? "arriving" : "lost (polling only)")
                    .append(": ").append(r.get(k + ".per_thousand_per_minute"))
                    .append(" recordInfo requests per 1,000 jobs in flight per minute (mean of the minutes).\n\n");
            md.append("| minute | recordInfo | mean in flight | per 1,000 in flight | CPU ms app | CPU ms PG | load |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (String row : r.get(k + ".minutes").split(",")) {
                md.append("| ").append(row.replace(":", " | ")).append(" |\n");
            }
            md.append('\n');
        }
        md.append("<!-- ").append(marker).append(":end -->\n");
        Files.writeString(GenerateBench.OUT.resolve(marker + "-section.md"), md.toString());
        System.out.print(md);
        if (docs != null) {
            String text = Files.readString(docs);
            String end = "<!-- " + marker + ":end -->\n";
            int b = text.indexOf("<!-- " + marker + ":begin");
            int e = text.indexOf(end);
            if (b >= 0 && e > b) {
                text = text.substring(0, b) + md + text.substring(e + end.length());
            } else {
                int at = text.indexOf("<!-- generate:end -->");
                at = at < 0 ? text.length() : at + "<!-- generate:end -->\n".length();
                text = text.substring(0, at) + "\n### In flight\n\n" + md + text.substring(at);
            }
            Files.writeString(docs, text);
        }
    }
}
