package dev.renderbank.bank;

import dev.renderbank.ledger.InvariantReport;
import dev.renderbank.ledger.internal.InvariantCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The bank test's verdict, taken once everything has settled, from the database and from the
 * provider simulator's own record (its {@code sim_task} rows): what must hold whatever the faults.
 * Each rule adds its breaches to {@link #violations}; {@link #counts} are for the verdict line.
 */
final class BankVerdict {

    final List<String> violations = new ArrayList<>();
    final Map<String, Long> counts = new LinkedHashMap<>();

    private final BankLedger db;

    BankVerdict(BankLedger db) {
        this.db = db;
    }

    BankVerdict check(BankClients clients, BankHooks hooks, String jdbcUrl) throws SQLException {
        InvariantReport report = new InvariantCheck(JdbcClient.create(new DriverManagerDataSource(jdbcUrl))).run();
        report.violations().forEach(v -> violations.add("reconciliation: " + v));
        counts.put("accounts", report.accountsChecked());

        rule(
                "a job still live after settling",
                "select id, state from generation_job where state in " + BankLedger.LIVE);
        rule(
                "an open hold without a live job",
                "select h.hold_key, h.amount from credit_hold h where h.state = 'OPEN' and not exists"
                        + " (select 1 from generation_job j where j.id = h.hold_key and j.state in " + BankLedger.LIVE
                        + ")");
        rule("an account with negative available credits", "select user_id from credit_account where held > balance");
        rule(
                "a job without exactly one hold",
                "select j.id from generation_job j where (select count(*) from ledger_entry e where e.ref_key = j.id"
                        + " and e.kind = 'HOLD') <> 1");
        rule(
                "a succeeded job not charged exactly once",
                "select j.id, j.price, j.credits_charged from generation_job j where j.state = 'SUCCEEDED' and ("
                        + settlements("CAPTURE") + " <> 1 or " + settlements("RELEASE', 'EXPIRE") + " <> 0"
                        + " or j.credits_charged <> (select amount from credit_hold h where h.hold_key = j.id))");
        rule(
                "a failed job not released exactly once",
                "select j.id, j.credits_charged from generation_job j where j.state = 'FAILED' and ("
                        + settlements("CAPTURE") + " <> 0 or " + settlements("RELEASE', 'EXPIRE") + " <> 1"
                        + " or j.credits_charged <> 0)");
        rule(
                "a provider task created more than once for one job",
                "select substring(callback_url from 'callback/([^/?]+)') as job, count(*) as tasks from sim_task"
                        + " group by 1 having count(*) > 1");
        for (BankMailRules.Rule r : BankMailRules.RULES) {
            rule(r.what(), r.sql());
        }
        accepted(clients);
        purchases(clients);
        violations.addAll(hooks.violations());

        counts.put("accepted", (long) clients.accepted.size());
        counts.put("jobs", db.number("select count(*) from generation_job"));
        counts.put("succeeded", db.number("select count(*) from generation_job where state = 'SUCCEEDED'"));
        counts.put("failed", db.number("select count(*) from generation_job where state = 'FAILED'"));
        counts.put("providerTasks", db.number("select count(*) from sim_task"));
        counts.put("purchases", (long) clients.purchases.size());
        counts.put("paymentEvents", db.number("select count(*) from payment_event"));
        counts.put("adminGrants", db.number("select count(*) from credit_grant where source = 'COMPENSATION'"));
        counts.put("emails", db.number("select count(*) from mail_outbox"));
        counts.put("webhookDeliveries", hooks.received());
        counts.put("webhookRedeliveries", hooks.redeliveries());
        counts.put("requests", clients.requests.sum());
        return this;
    }

    private static String settlements(String kinds) {
        return "(select count(*) from ledger_entry e where e.ref_key = j.id and e.kind in ('" + kinds + "'))";
    }

    private void rule(String what, String sql) throws SQLException {
        List<String> rows = db.rows(sql + " limit 20");
        rows.forEach(r -> violations.add(what + ": " + r));
    }

    /** Every job a client saw accepted (2xx with a taskId) exists. */
    private void accepted(BankClients clients) throws SQLException {
        long lost = 0;
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("select count(*) from generation_job where id = ?")) {
            for (String job : clients.accepted.keySet()) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) != 1) {
                        lost++;
                        violations.add("accepted job " + job + " is not in the database");
                    }
                }
            }
        }
        counts.put("lost", lost);
    }

    /** Every purchase the app acknowledged is granted exactly once; no order is granted twice. */
    private void purchases(BankClients clients) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement(
                        "select count(*) from credit_grant where source = 'PURCHASE' and grant_key = ?")) {
            for (var order : clients.purchases.entrySet()) {
                ps.setString(1, "creem:order:" + order.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) != 1) {
                        violations.add("purchase " + order.getKey() + " granted " + rs.getLong(1) + " times");
                    }
                }
            }
        }
        counts.put("purchaseGrants", db.number("select count(*) from credit_grant where source = 'PURCHASE'"));
    }

    String line(long seconds) {
        StringBuilder b = new StringBuilder(violations.isEmpty() ? "BANK VERDICT: PASS" : "BANK VERDICT: FAIL");
        b.append(" violations=").append(violations.size());
        counts.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        b.append(" seconds=").append(seconds);
        return b.toString();
    }
}
