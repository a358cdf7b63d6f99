package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.RowUpdates;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An account's deletion finds the user's stored results ({@code generation_asset}) and emails ({@code
 * mail_outbox}) by an index on {@code user_id}, and the dashboard the jobs finished in its window by one
 * on {@code completed_at}, not by scanning every row ever written. Checked on the plans PostgreSQL picks
 * on tables of tens of thousands of rows (written and analysed in a transaction that is rolled back).
 */
class DeletionAndDashboardIndexesTest extends JobRowsTest {

    static final int ROWS = 30_000;

    static final int USERS = 1_000;

    @Test
    void deletionAndDashboardQueriesUseAnIndexOnBigTables() {
        String since = "now() - interval '24 hours'";
        List<String> plans = tx.execute(status -> {
            status.setRollbackOnly();
            fill();
            return List.of(
                    plan("select storage_key from generation_asset where user_id = 4242"),
                    plan("delete from generation_asset where user_id = 4242"),
                    // Outbox.eraseRecipient, its shape
                    plan("""
                            update mail_outbox set recipient = 'gone', status = 'FAILED'
                             where user_id = 4242 and (recipient <> 'gone' or status in ('PENDING', 'HELD'))"""),
                    // JobStats: by state, per model, failure reasons
                    plan("select state, count(*) from generation_job where (" + JobStore.IS_LIVE
                            + ") or completed_at >= " + since + " group by state"),
                    plan("select model, count(*) from generation_job where state in ('SUCCEEDED', 'FAILED')"
                            + " and completed_at >= " + since + " group by model"),
                    plan("select error_code, count(*) from generation_job where state = 'FAILED'"
                            + " and completed_at >= " + since + " group by 1"));
        });

        assertThat(plans.get(0)).contains("generation_asset_user_idx").doesNotContain("Seq Scan");
        assertThat(plans.get(1)).contains("generation_asset_user_idx").doesNotContain("Seq Scan");
        assertThat(plans.get(2)).contains("mail_outbox_user_idx").doesNotContain("Seq Scan");
        for (String dashboard : plans.subList(3, 6)) {
            assertThat(dashboard).contains("generation_job_completed_idx").doesNotContain("Seq Scan");
        }
    }

    /**
     * generation_job_completed_idx names completed_at only, which is set once, by the transition to
     * SUCCEEDED or FAILED (never HOT: it changes the live-job indexes' predicate): a later update of a
     * finished job (a late delivery's checks ending, the account's deletion blanking the prompt) still
     * writes no index entry.
     */
    @Test
    void updatesOfAFinishedJobThatLeaveCompletedAtAloneStayHot() {
        String id = acceptedJob();
        jdbc.sql("update generation_job set state = 'FAILED', completed_at = now() where id = :id")
                .param("id", id)
                .update();

        RowUpdates later = RowUpdates.of(
                jdbc, tx, "generation_job", () -> jdbc.sql("""
                        update generation_job set late_checks_ended_at = now(), prompt = '', options = '{}'
                         where id = :id""").param("id", id).update());

        assertThat(later).as("updates of generation_job: all, HOT").isEqualTo(new RowUpdates(1, 1));
    }

    /**
     * {@link #ROWS} finished jobs of {@link #USERS} users over the last 60 days, each with a stored
     * result and an email, and a few live jobs; then the planner's statistics.
     */
    private void fill() {
        jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                    provider_input, price, state, callback_token, error_code,
                                                    created_at, updated_at, completed_at, deadline_at)
                        select 'rows-idx-' || g, 1000000 + g % :users, 'IMAGE', 'nano-banana', 'p', '{}', 'm', '{}', 10,
                               case when g % 10 = 0 then 'FAILED' else 'SUCCEEDED' end, 't',
                               case when g % 10 = 0 then 'provider-failed' end,
                               now() - (g * interval '60 days' / :rows) - interval '1 minute',
                               now() - (g * interval '60 days' / :rows),
                               now() - (g * interval '60 days' / :rows),
                               now() - (g * interval '60 days' / :rows) + interval '1 hour'
                          from generate_series(1, :rows) g""").param("users", USERS).param("rows", ROWS).update();
        jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                    provider_input, price, state, callback_token,
                                                    created_at, updated_at, deadline_at)
                        select 'rows-idx-live-' || g, 1000000 + g, 'IMAGE', 'nano-banana', 'p', '{}', 'm', '{}', 10,
                               'RUNNING', 't', now(), now(), now() + interval '1 hour'
                          from generate_series(1, 20) g""").update();
        jdbc.sql("""
                        insert into generation_asset (id, job_id, user_id, storage_key, content_type, size_bytes,
                                                      sha256, created_at)
                        select 'rows-idx-asset-' || g, 'rows-idx-' || g, 1000000 + g % :users, 'k/' || g, 'image/png',
                               1, 'x', now()
                          from generate_series(1, :rows) g""").param("users", USERS).param("rows", ROWS).update();
        jdbc.sql("""
                        insert into mail_outbox (message_key, template, recipient, user_id, subject, body_text,
                                                 body_html, status, next_attempt_at, created_at)
                        select 'rows-idx-mail-' || g, 'generation-completed', 'u' || g || '@test.local',
                               1000000 + g % :users, 's', 'b', 'b', 'SENT', now(), now()
                          from generate_series(1, :rows) g""").param("users", USERS).param("rows", ROWS).update();
        jdbc.sql("analyze generation_job, generation_asset, mail_outbox").update();
    }

    private String plan(String query) {
        return String.join(
                "\n", jdbc.sql("explain " + query).query(String.class).list());
    }
}
