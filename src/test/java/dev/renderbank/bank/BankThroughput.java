package dev.renderbank.bank;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One node against all nodes in the same run, same clients, same faults, no disasters: accepted
 * generations and answered requests per second through the first node only, then through all.
 * On a 2-core machine the nodes share the CPU with each other and with PostgreSQL, so this shows
 * what a second process on the same cores does, not how a second machine would scale.
 */
final class BankThroughput {

    private BankThroughput() {}

    /** Returns the violations the clients saw (the verdict counts them too). */
    static List<String> measure(
            BankProcesses processes,
            BankLedger db,
            List<BankClients.User> users,
            String admin,
            Duration each,
            Map<String, String> report)
            throws Exception {
        List<String> first = List.of(processes.nodes().get(0).baseUrl());
        List<String> violations = new java.util.ArrayList<>();
        violations.addAll(phase("oneNode", () -> first, db, users, admin, each, report));
        violations.addAll(phase("allNodes", () -> BankRun.urls(processes, false), db, users, admin, each, report));
        return violations;
    }

    private static List<String> phase(
            String name,
            java.util.function.Supplier<List<String>> nodes,
            BankLedger db,
            List<BankClients.User> users,
            String admin,
            Duration each,
            Map<String, String> report)
            throws Exception {
        BankClients clients = new BankClients(nodes, admin, db);
        long commits = db.commits();
        Instant start = Instant.now();
        clients.run(users, start.plus(each));
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        long accepted = clients.accepted.size();
        report.put("throughput." + name + ".nodes", Integer.toString(nodes.get().size()));
        report.put("throughput." + name + ".acceptedPerSecond", String.format("%.1f", accepted / seconds));
        report.put(
                "throughput." + name + ".requestsPerSecond", String.format("%.1f", clients.requests.sum() / seconds));
        report.put(
                "throughput." + name + ".commitsPerAcceptedJob",
                accepted == 0 ? "n/a" : String.format("%.1f", (double) (db.commits() - commits) / accepted));
        report.put("throughput." + name + ".violations", Integer.toString(clients.violations.size()));
        report.put("throughput." + name + ".loadavg", BankRun.loadAverage());
        clients.close();
        return List.copyOf(clients.violations);
    }
}
