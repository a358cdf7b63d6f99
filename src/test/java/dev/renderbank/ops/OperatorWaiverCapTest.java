package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A debt waiver gives a user spending power as a grant does (the user could not reserve while owing;
 * now they can, for what they never paid), so an operator's waivers are held to the grant caps: one
 * waiver forgives at most {@code renderbank.ops.max-grant} (10,000 by default), and what an operator
 * forgives counts with their grants against {@code renderbank.ops.max-grant-per-day} (50,000). Before,
 * a waiver forgave any debt whole and counted against nothing.
 */
class OperatorWaiverCapTest extends IntegrationTest {

    @Autowired
    UserActions userActions;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Test
    void oneWaiverForgivesAtMostTheGrantCapAndAnAmountWaivesPartOfTheDebt() {
        String actor = actor();
        long user = owing(25_000);

        ActionResult whole = userActions.waiveDebt(actor, user, "goodwill", key());
        assertThat(whole).isInstanceOf(ActionResult.Refused.class);
        assertThat(((ActionResult.Refused) whole).code()).isEqualTo("waiver-too-large");
        assertThat(((ActionResult.Refused) whole).message()).contains("25000", "10000", "renderbank.ops.max-grant");
        assertThat(ledger.balance(user).debt()).as("nothing forgiven").isEqualTo(25_000);

        ActionResult tooMuch = userActions.waiveDebt(actor, user, "goodwill", 10_001L, key());
        assertThat(((ActionResult.Refused) tooMuch).code()).isEqualTo("waiver-too-large");

        ActionResult part = userActions.waiveDebt(actor, user, "goodwill", 10_000L, key());
        assertThat(part).isInstanceOf(ActionResult.Done.class);
        assertThat(ledger.balance(user).debt()).isEqualTo(15_000);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anAmountAboveTheDebtForgivesTheDebtOnly() {
        long user = owing(300);
        ActionResult r = userActions.waiveDebt(actor(), user, "goodwill", 5_000L, key());
        assertThat(r).isInstanceOf(ActionResult.Done.class);
        assertThat(((ActionResult.Done) r).action().after()).contains("\"waived\": 300");
        assertThat(ledger.balance(user).debt()).isZero();
    }

    @Test
    void waiversCountWithGrantsAgainstTheOperatorsDailyCap() {
        String actor = actor();
        recordGrant(actor, 45_000); // granted earlier today
        long user = owing(8_000);

        ActionResult over = userActions.waiveDebt(actor, user, "goodwill", key());
        assertThat(over).isInstanceOf(ActionResult.Refused.class);
        assertThat(((ActionResult.Refused) over).code()).isEqualTo("daily-grant-cap");
        assertThat(ledger.balance(user).debt()).isEqualTo(8_000);

        assertThat(userActions.waiveDebt(actor, user, "goodwill", 5_000L, key()))
                .isInstanceOf(ActionResult.Done.class);
        // 45,000 granted + 5,000 forgiven: the day is full, for grants too
        var grantee = testUsers.create(0);
        ActionResult grant = userActions.grant(actor, grantee.id(), 1, "goodwill", false, key());
        assertThat(((ActionResult.Refused) grant).code()).isEqualTo("daily-grant-cap");
        assertThat(ledger.balance(grantee.id()).balance()).isZero();
    }

    /** Two waivers at once, each within the day's rest but not both: one passes (the day's lock). */
    @Test
    void twoConcurrentWaiversCannotBothPassTheDailyCap() throws Exception {
        String actor = actor();
        recordGrant(actor, 42_000);
        long first = owing(6_000);
        long second = owing(6_000);
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<ActionResult> a =
                    racers.submit(atOnce(start, () -> userActions.waiveDebt(actor, first, "goodwill", key())));
            Future<ActionResult> b =
                    racers.submit(atOnce(start, () -> userActions.waiveDebt(actor, second, "goodwill", key())));
            start.countDown();
            List<ActionResult> results = List.of(a.get(1, TimeUnit.MINUTES), b.get(1, TimeUnit.MINUTES));
            assertThat(results).filteredOn(ActionResult.Done.class::isInstance).hasSize(1);
            assertThat(results)
                    .filteredOn(
                            r -> r instanceof ActionResult.Refused f && f.code().equals("daily-grant-cap"))
                    .hasSize(1);
            assertThat(ledger.balance(first).debt() + ledger.balance(second).debt())
                    .isEqualTo(6_000);
        } finally {
            racers.shutdownNow();
        }
    }

    private static Callable<ActionResult> atOnce(CountDownLatch start, Callable<ActionResult> action) {
        return () -> {
            if (!start.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("never started");
            }
            return action.call();
        };
    }

    /** A user who owes {@code debt}: credits held by a job, then their purchase refunded. */
    private long owing(long debt) {
        var u = testUsers.create(debt);
        assertThat(ledger.reserve(u.id(), debt, "job-" + u.id(), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.clawback("test-grant:" + u.id(), debt, "refund-" + u.id(), "refund");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(debt);
        return u.id();
    }

    private void recordGrant(String actor, long amount) {
        jdbc.sql("""
                        insert into operator_action (actor, action, target, reason, amount, idempotency_key, created_at)
                        values (:actor, 'grant', 'user:0', 'test', :amount, :key, :at)""")
                .param("actor", actor)
                .param("amount", amount)
                .param("key", key())
                .param("at", Timestamp.from(clock.instant()))
                .update();
    }

    private static String actor() {
        return "ops-" + UUID.randomUUID() + "@test.local";
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }
}
