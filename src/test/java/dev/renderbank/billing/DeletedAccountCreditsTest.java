package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.ForfeitResult;
import dev.renderbank.ledger.Forfeits;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.UserActions;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.LockWaits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * No credits stay on a deleted account: its balance is forfeited and the account closed, and whatever
 * arrives later (a late payment, a reward, a referral reward, an operator's grant) is refused or, where
 * it was already paid for, recorded and forfeited at once, and raised to operators to refund.
 */
class DeletedAccountCreditsTest extends BillingIntegrationTest {

    @Autowired
    AccountDeletion deletion;

    @Autowired
    Forfeits forfeits;

    @Autowired
    Rewards rewards;

    @Autowired
    Referrals referrals;

    @Autowired
    UserActions userActions;

    @Test
    void aPaymentThatArrivesAfterTheAccountWasDeletedKeepsNoCreditsAndIsRaisedToOperators() throws Exception {
        UserAccount u = deletedUser();
        String order = id("ord");
        String event = id("evt");
        assertThat(creem(creemCheckout(event, order, u.id(), "prod_local_pack-200", 990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("creem", event)).isEqualTo("PROCESSED");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
        assertThat(entries(u, "creem:order:" + order)).containsExactly("GRANT 200", "FORFEIT -200");
        assertThat(jdbc.sql("select count(*) from operator_alert where kind = 'billing.paid-by-deleted-account'"
                                + " and message like :m")
                        .param("m", "%creem:order:" + order + "%")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aPaymentProcessedWhileTheAccountIsBeingDeletedWaitsForTheDeletionAndIsRaisedToOperators() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        String payment = creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> paid = tx.execute(s -> {
                assertThat(deletion.delete(u.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);
                long deleting = LockWaits.backend(jdbc);
                // the payment is processed while the deletion is written but not committed
                Future<Integer> delivery = pool.submit(() -> creem(payment).statusCode());
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> delivery.isDone() || LockWaits.blockedBy(jdbc, deleting));
                return delivery;
            });
            assertThat(paid.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("select count(*) from operator_alert where kind = 'billing.paid-by-deleted-account'"
                                + " and message like :m")
                        .param("m", "%creem:order:" + order + "%")
                        .query(Long.class)
                        .single())
                .as("a payment that landed beside the deletion is raised to operators to refund")
                .isEqualTo(1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0)));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aDeletedAccountGetsNoDailyReward() {
        UserAccount u = deletedUser();
        assertThat(rewards.checkIn(u.id())).isInstanceOf(RewardResult.Refused.class);
        assertThat(rewards.share(u.id())).isInstanceOf(RewardResult.Refused.class);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
    }

    @Test
    void aDeletedReferrerIsNotRewardedAndItsLinkRecordsNoReferral() throws Exception {
        UserAccount referrer = newUser();
        String code = referrals.referralCode(referrer.id());
        UserAccount referee = newUser();
        referrals.recordReferral(referee.id(), referrer.id());
        delete(referrer);

        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referee)).isEqualTo(200);
        assertThat(ledger.balance(referrer.id())).isEqualTo(new Balance(0, 0, 0));
        assertThat(jdbc.sql("select count(*) from ledger_entry where user_id = :u and ref_key like 'reward:%'")
                        .param("u", referrer.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(referrals.referrerByCode(code))
                .as("a deleted user's link names nobody")
                .isEmpty();
    }

    @Test
    void anOperatorCannotGrantCreditsToADeletedAccount() {
        UserAccount u = deletedUser();
        ActionResult r = userActions.grant("ops-test", u.id(), 5, "goodwill", false, id("key"));
        assertThat(r).isInstanceOf(ActionResult.Refused.class);
        assertThat(((ActionResult.Refused) r).code()).isEqualTo("account-deleted");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
    }

    @Test
    void aGrantToAClosedAccountIsRecordedAndForfeitedOnceAndPaysNoDebt() {
        UserAccount u = deletedUser();
        String key = id("late");
        GrantResult first = ledger.grant(u.id(), 7, GrantSource.COMPENSATION, key, null, "late grant");
        assertThat(first).isInstanceOf(GrantResult.Forfeited.class);
        assertThat(ledger.grant(u.id(), 7, GrantSource.COMPENSATION, key, null, "late grant"))
                .isInstanceOf(GrantResult.AlreadyGranted.class);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
        assertThat(entries(u, key)).containsExactly("GRANT 7", "FORFEIT -7");
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aGrantAndTheForfeitAtOnceLeaveNothingOnTheAccountWhicheverGoesFirst() throws Exception {
        for (int pair = 0; pair < 6; pair++) {
            UserAccount u = newUser();
            ledger.grant(u.id(), 20, GrantSource.COMPENSATION, id("before"), null, "before");
            String key = id("race");
            List<Object> both = Concurrently.<Object>run(
                    () -> forfeits.forfeitAll(u.id(), "forfeit:" + u.id(), "account deleted by its owner"),
                    () -> ledger.grant(u.id(), 5, GrantSource.COMPENSATION, key, null, "at once"));
            assertThat(both.get(0)).isInstanceOf(ForfeitResult.Forfeited.class);
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
            assertThat(forfeits.isClosed(u.id())).isTrue();
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anOperatorGrantOvertakenByTheAccountsDeletionIsAnsweredAccountDeletedAndLeavesNoRecord() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                UserAccount u = newUser();
                String actor = id("ops");
                String key = id("key");
                // The grant checks that the account is live, then waits here (the operator's daily-cap
                // lock, held by this test) while the owner deletes the account and its credits are forfeited.
                CountDownLatch release = new CountDownLatch(1);
                Future<?> lock = pool.submit(() -> tx.executeWithoutResult(s -> {
                    operatorLocks.lockOperatorDay(actor, clock.instant());
                    await(release);
                }));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitingAdvisoryLocks() == 0);
                Future<ActionResult> grant =
                        pool.submit(() -> userActions.grant(actor, u.id(), 5, "goodwill", false, key));
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitingAdvisoryLocks() > 0);
                delete(u);
                release.countDown();
                lock.get(1, TimeUnit.MINUTES);

                ActionResult r = grant.get(1, TimeUnit.MINUTES);
                assertThat(r).isInstanceOf(ActionResult.Refused.class);
                assertThat(((ActionResult.Refused) r).code()).isEqualTo("account-deleted");
                assertThat(jdbc.sql(
                                        "select count(*) from ledger_entry where user_id = :u and ref_key like 'ops-grant:%'")
                                .param("u", u.id())
                                .query(Long.class)
                                .single())
                        .as("nothing granted and forfeited")
                        .isZero();
                assertThat(jdbc.sql("select count(*) from operator_action where actor = :a")
                                .param("a", actor)
                                .query(Long.class)
                                .single())
                        .as("no audit record saying it was granted")
                        .isZero();
                assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anOperatorGrantAndTheAccountsDeletionAtOnceNeverAnswerGrantedForCreditsForfeitedOnLanding() throws Exception {
        for (int pair = 0; pair < 6; pair++) {
            UserAccount u = newUser();
            String actor = id("ops");
            List<Object> both = Concurrently.<Object>run(
                    () -> deletion.delete(u.id(), "a-long-password-123"),
                    () -> userActions.grant(actor, u.id(), 5, "goodwill", false, id("key")));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(forfeits.isClosed(u.id())).isTrue());
            List<String> grantEntries =
                    jdbc.sql("""
                            select kind || ' ' || balance_delta from ledger_entry
                             where user_id = :u and ref_key like 'ops-grant:%' order by id""").param("u", u.id()).query(String.class).list();
            if (both.get(1) instanceof ActionResult.Done) {
                assertThat(grantEntries).as("granted to the live account").containsExactly("GRANT 5");
            } else {
                assertThat(((ActionResult.Refused) both.get(1)).code()).isEqualTo("account-deleted");
                assertThat(grantEntries).isEmpty();
            }
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Autowired
    AuditedActions operatorLocks;

    @Autowired
    TransactionTemplate tx;

    private long waitingAdvisoryLocks() {
        return jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and not granted")
                .query(Long.class)
                .single();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A user with no credits who deleted the account, once its credits were forfeited and it was closed. */
    private UserAccount deletedUser() {
        UserAccount u = newUser();
        delete(u);
        return u;
    }

    private void delete(UserAccount u) {
        assertThat(deletion.delete(u.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(forfeits.isClosed(u.id())).isTrue());
    }

    /** The ledger entries under {@code key}, oldest first, as "KIND balance_delta". */
    private List<String> entries(UserAccount u, String key) {
        return jdbc.sql("select kind || ' ' || balance_delta from ledger_entry where user_id = :u and ref_key = :k"
                        + " order by id")
                .param("u", u.id())
                .param("k", key)
                .query(String.class)
                .list();
    }
}
