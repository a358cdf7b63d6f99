package dev.renderbank.bank;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The bank verdict's rules on generation emails, by outbox cause: {@code generation:<taskId>} is the
 * one outcome email (ready for a succeeded job, failed for a failed one) and {@code
 * generation-late:<taskId>} the one "ready, late, free of charge" email of a job delivered late. A
 * correct late delivery (a failure email, then its late email) breaks none; a second late email or a
 * late result announced under the outcome's cause does. Public so other tests can check their own
 * outboxes with the same rules.
 */
public final class BankMailRules {

    /** One rule: what it means, and the SQL whose rows are its breaches. */
    public record Rule(String what, String sql) {}

    public static final List<Rule> RULES = List.of(
            new Rule(
                    "a job with more than one email",
                    "select j.id, count(*) from generation_job j join mail_outbox m on m.message_key like 'generation:'"
                            + " || j.id || '|%' group by j.id having count(*) > 1"),
            new Rule(
                    "an email that contradicts its job's outcome",
                    "select j.id, j.state, m.template from generation_job j join mail_outbox m"
                            + " on m.message_key like 'generation:' || j.id || '|%' where (j.state = 'SUCCEEDED')"
                            + " <> (m.template = 'generation-ready')"),
            new Rule(
                    "a job with more than one late-delivery email",
                    "select j.id, count(*) from generation_job j join mail_outbox m on m.message_key like"
                            + " 'generation-late:' || j.id || '|%' group by j.id having count(*) > 1"),
            new Rule(
                    "a late-delivery email for a job not delivered late",
                    "select j.id, j.state, j.late_delivery, m.template from generation_job j join mail_outbox m"
                            + " on m.message_key like 'generation-late:' || j.id || '|%'"
                            + " where not (j.state = 'FAILED' and j.late_delivery) or m.template <> 'generation-ready'"));

    private BankMailRules() {}

    /** The breaches of every rule, as "what: row". */
    public static List<String> violations(JdbcClient jdbc) {
        List<String> found = new ArrayList<>();
        for (Rule r : RULES) {
            jdbc.sql(r.sql() + " limit 20")
                    .query((rs, n) -> {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            row.append(i > 1 ? ", " : "").append(rs.getString(i));
                        }
                        return row.toString();
                    })
                    .list()
                    .forEach(row -> found.add(r.what() + ": " + row));
        }
        return found;
    }
}
