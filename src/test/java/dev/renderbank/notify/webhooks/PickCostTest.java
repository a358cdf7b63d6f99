package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.ts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sender's pick ({@link DeliveryStore#claimDue}) costs what the endpoints cost, not what the
 * backlog costs: with 200,000 due deliveries over a few endpoints, one pick reads about as many
 * buffers as with a few hundred, and endpoints with nothing pending cost no more than their rows. Measured with EXPLAIN (ANALYZE, BUFFERS) on analysed data (buffers,
 * not time), in a transaction that is rolled back, so no sender ever sees these rows.
 */
class PickCostTest extends IntegrationTest {

    static final int SMALL = 400;
    static final int BACKLOG = 200_000;
    static final int ENDPOINTS = 4;
    static final int IDLE = 2_000;

    static final Pattern HIT = Pattern.compile("\"Shared Hit Blocks\": (\\d+)");
    static final Pattern READ = Pattern.compile("\"Shared Read Blocks\": (\\d+)");

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @AfterEach
    void tidy() {
        // the rolled-back rows leave dead tuples and ANALYZE's row count behind: clear both
        jdbc.sql("vacuum (analyze) webhook_delivery, webhook_endpoint").update();
    }

    @Test
    void onePickReadsAboutAsMuchWithABigBacklogAsWithASmallOne() {
        Instant now = clock.instant();
        String tag = UUID.randomUUID().toString().replace("-", "");
        tx.executeWithoutResult(status -> {
            status.setRollbackOnly();
            for (int i = 0; i < ENDPOINTS; i++) {
                // three owners: the first has two endpoints
                jdbc.sql("""
                                insert into webhook_endpoint (id, user_id, url, events, secret, created_at)
                                values (:id, :u, 'http://127.0.0.1:9/pick-cost', '{credits.granted}', 'whsec_x', :now)""")
                        .param("id", "we_pick_" + tag + "_" + i)
                        .param("u", 9_000_000_000L + Math.max(i, 1))
                        .param("now", ts(now))
                        .update();
            }
            backlog(tag, 0, SMALL, now);
            long small = buffersOfOnePick(now);

            backlog(tag, SMALL, BACKLOG, now);
            long big = buffersOfOnePick(now);

            long endpoints = jdbc.sql("select count(*) from webhook_endpoint")
                    .query(Long.class)
                    .single();
            assertThat(big)
                    .as(
                            "buffers read by one pick with %d due deliveries (%d with %d; %d endpoints in all)",
                            BACKLOG, small, SMALL, endpoints)
                    .isLessThanOrEqualTo(2 * small + 100);

            // endpoints with nothing pending cost no more than reading the endpoint rows (a few times: the
            // pick's joins and its count of each owner's endpoints being sent to may each scan them)
            idleEndpoints(tag, IDLE, now);
            long idle = buffersOfOnePick(now);
            long endpointPages = jdbc.sql(
                            "select pg_relation_size('webhook_endpoint') / current_setting('block_size')::int")
                    .query(Long.class)
                    .single();
            assertThat(idle)
                    .as(
                            "buffers read by one pick with %d more endpoints, none with a delivery pending (%d before;"
                                    + " the endpoints fill %d pages)",
                            IDLE, big, endpointPages)
                    .isLessThanOrEqualTo(2 * small + 100 + 3 * endpointPages);
        });
    }

    private void idleEndpoints(String tag, int count, Instant now) {
        jdbc.sql("""
                        insert into webhook_endpoint (id, user_id, url, events, secret, created_at)
                        select 'we_idle_' || :tag || '_' || n, 9100000000 + n, 'https://hooks.example.com/renderbank/' || n,
                               '{credits.granted,generation.completed,generation.failed}',
                               'whsec_' || md5(:tag || n) || md5(n || :tag), :now
                          from generate_series(1, :count) n""")
                .param("tag", tag)
                .param("count", count)
                .param("now", ts(now))
                .update();
        jdbc.sql("analyze webhook_endpoint").update();
    }

    /**
     * Due deliveries numbered {@code from} to {@code to} (exclusive), spread over the endpoints, due
     * over the last days, with bodies of a realistic size; a tenth of them delivered already.
     */
    private void backlog(String tag, int from, int to, Instant now) {
        jdbc.sql("""
                        insert into webhook_delivery (id, endpoint_id, user_id, event_key, event_type, body, status,
                                                      attempts, next_attempt_at, give_up_at, created_at)
                        select 'msg_pick_' || :tag || '_' || n, 'we_pick_' || :tag || '_' || (n % :endpoints),
                               9000000000 + greatest(n % :endpoints, 1), 'credits.granted|pick-' || n, 'credits.granted',
                               '{"type":"credits.granted","timestamp":"2026-12-13T00:00:00Z","data":{"balance":'
                                   || n || ',"held":0,"available":' || n || ',"debt":0,"change":10,"reason":"'
                                   || repeat('purchase of a credit pack ', 8) || '"}}',
                               case when n % 10 = 0 then 'DELIVERED' else 'PENDING' end, n % 5,
                               cast(:now as timestamptz) - make_interval(secs => (:to - n) * 2),
                               cast(:now as timestamptz) + interval '1 day',
                               cast(:now as timestamptz) - make_interval(secs => (:to - n) * 2)
                          from generate_series(:from, :to - 1) n""")
                .param("tag", tag)
                .param("endpoints", ENDPOINTS)
                .param("from", from)
                .param("to", to)
                .param("now", ts(now))
                .update();
        jdbc.sql("analyze webhook_delivery, webhook_endpoint").update();
    }

    private long buffersOfOnePick(Instant now) {
        String plan = jdbc.sql("explain (analyze, buffers, format json) " + DeliveryStore.PICK)
                .param("now", ts(now))
                .param("limit", 4)
                .query(String.class)
                .single();
        // the top node comes first and counts its children's buffers too
        long buffers = first(HIT, plan) + first(READ, plan);
        return buffers;
    }

    private static long first(Pattern p, String plan) {
        Matcher m = p.matcher(plan);
        assertThat(m.find()).as("%s in %s", p, plan).isTrue();
        return Long.parseLong(m.group(1));
    }
}
