package dev.renderbank.support;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Row counts of every table that holds business data, plus the credits owned and held: taken
 * before and after a refused request, they show that nothing was written and nothing held.
 */
public final class BusinessRows {

    private BusinessRows() {}

    /**
     * Not counted: sessions, throttles and rate-limit counters (a refusal may count), the provider
     * simulator's own tables, and operator alerts with the signature-failure counters behind them (a
     * forged payment webhook is counted and reported to operators on purpose).
     */
    public static Map<String, Long> of(JdbcClient jdbc) {
        Map<String, Long> counts = new TreeMap<>();
        List<String> tables = jdbc.sql("""
                        SELECT table_name FROM information_schema.tables
                        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                          AND table_name NOT IN ('flyway_schema_history', 'scheduled_tasks', 'spring_session',
                              'spring_session_attributes', 'login_throttle_account', 'login_throttle_client',
                              'request_limit', 'provider_status', 'provider_balance', 'sim_task', 'sim_account',
                              'operator_alert', 'webhook_signature_failure', 'webhook_signature_alert')
                        """).query(String.class).list();
        for (String t : tables) {
            counts.put(
                    t, jdbc.sql("SELECT count(*) FROM " + t).query(Long.class).single());
        }
        counts.put(
                "credit_account.held",
                jdbc.sql("SELECT coalesce(sum(held), 0) FROM credit_account")
                        .query(Long.class)
                        .single());
        counts.put(
                "credit_account.balance",
                jdbc.sql("SELECT coalesce(sum(balance), 0) FROM credit_account")
                        .query(Long.class)
                        .single());
        return counts;
    }

    /** What changed between two counts, for a failure message; empty when nothing did. */
    public static String difference(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder d = new StringBuilder();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                d.append(k)
                        .append(' ')
                        .append(before.get(k))
                        .append("->")
                        .append(v)
                        .append("; ");
            }
        });
        return d.toString();
    }
}
