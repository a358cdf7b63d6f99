package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator's daily grant cap counts a grant on the UTC day its audit record was claimed on,
 * however long the grant then takes: a grant claimed just before midnight and checked just after
 * must not escape both days' caps.
 */
class OperatorGrantDayTest extends IntegrationTest {

    @Autowired
    UserActions userActions;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aGrantClaimedBeforeMidnightAndCheckedAfterCountsAgainstTheDayItWasClaimedOn() throws Exception {
        String actor = "ops-" + UUID.randomUUID() + "@test.local";
        var u = testUsers.create(0);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant midnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        // the operator has granted the whole daily cap (50,000 in tests) earlier today
        record(actor, 50_000, today.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(12)), "earlier");
        clock.freeze();
        clock.advance(Duration.between(clock.instant(), midnight.minusMillis(100)));

        String key = "late-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Another transaction holds an uncommitted record under the grant's key, so the grant's
            // claim (its time read at 23:59:59.9) waits on it; midnight passes meanwhile.
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            Future<?> blocker = pool.submit(() -> tx.executeWithoutResult(s -> {
                record(actor, 1, midnight.minusSeconds(1), key);
                held.countDown();
                await(letGo);
                s.setRollbackOnly();
            }));
            assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
            Future<ActionResult> grant =
                    pool.submit(() -> userActions.grant(actor, u.id(), 10_000, "late goodwill", false, key));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(this::someoneWaitsOnALock);
            clock.advance(Duration.ofSeconds(1)); // 00:00:00.9 tomorrow
            letGo.countDown();
            blocker.get(1, TimeUnit.MINUTES);

            ActionResult r = grant.get(1, TimeUnit.MINUTES);
            assertThat(r).isInstanceOf(ActionResult.Refused.class);
            assertThat(((ActionResult.Refused) r).code()).isEqualTo("daily-grant-cap");
            assertThat(ledger.balance(u.id()).balance()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    private void record(String actor, long amount, Instant at, String key) {
        jdbc.sql("""
                        insert into operator_action (actor, action, target, reason, amount, idempotency_key, created_at)
                        values (:actor, 'grant', 'user:0', 'test', :amount, :key, :at)""")
                .param("actor", actor)
                .param("amount", amount)
                .param("key", key)
                .param("at", Timestamp.from(at))
                .update();
    }

    private boolean someoneWaitsOnALock() {
        return jdbc.sql("select count(*) from pg_locks where not granted")
                        .query(Long.class)
                        .single()
                > 0;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("never let go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
