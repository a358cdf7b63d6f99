package dev.renderbank.bank;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The bank run's two disasters, while the clients keep going: at 30 % of the load the first node
 * is killed with SIGKILL and started again; at 60 % PostgreSQL is stopped (fast shutdown: every
 * session cut) for the configured outage and started again on the same port and data.
 */
final class BankChaos {

    private BankChaos() {}

    static void run(BankProcesses processes, BankRun.Config config, Instant loadStart, Map<String, String> report) {
        try {
            BankProcesses.Node victim = processes.nodes().get(0);
            sleepUntil(loadStart.plus(config.load().multipliedBy(3).dividedBy(10)));
            long pid = processes.pid(victim);
            Instant killed = Instant.now();
            processes.kill(victim);
            report.put("chaos.kill", "SIGKILL node 0 (pid " + pid + ") at +" + since(loadStart) + " s");
            Thread.sleep(2000);
            processes.start(victim);
            processes.awaitUp(victim, Duration.ofMinutes(8)); // an overloaded 2-core machine starts slowly
            report.put("chaos.restart", "node 0 answered again " + since(killed) + " s after the kill");

            sleepUntil(loadStart.plus(config.load().multipliedBy(6).dividedBy(10)));
            Instant down = Instant.now();
            processes.stopDatabase();
            report.put("chaos.dbStop", "PostgreSQL stopped at +" + since(loadStart) + " s");
            Thread.sleep(config.outage().toMillis());
            processes.startDatabase();
            report.put("chaos.dbStart", "PostgreSQL back after " + since(down) + " s");
        } catch (Exception e) {
            report.put("chaos.error", e.toString());
        }
    }

    private static long since(Instant t) {
        return Duration.between(t, Instant.now()).toSeconds();
    }

    private static void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
