package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.HeldLockRace;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two paths of different modules that move one account's credits at the same moment: a refund or
 * dispute taking a purchase back while a job's hold is captured, released or expired; an operator
 * waiving a debt while a purchase pays it or a refund adds to it. Each pair runs in both orders, forced by holding the
 * account's row lock until both wait for it ({@link HeldLockRace}: the first to wait goes first), and the ledger's
 * invariants are checked after each ({@link LedgerTestSupport#booksBalance}): balance the sum of
 * the entries, held the open holds and never above the balance, every hold settled exactly once,
 * nothing taken back or waived twice.
 */
class CrossPathRaceTest extends LedgerTestSupport {

    @Autowired
    DataSource dataSource;

    /** A user granted {@code granted} credits under {@code grantKey}, holding {@code held} for {@code job}. */
    private long userHolding(String grantKey, long granted, String job, long held, Duration ttl) {
        long user = newUser();
        ledger.grant(user, granted, GrantSource.PURCHASE, grantKey, null, "pack");
        assertThat(ledger.reserve(user, held, job, ttl)).isInstanceOf(ReserveResult.Reserved.class);
        return user;
    }

    @Test
    void aFullRefundAndTheCaptureOfARunningJobLeaveTheSameBooksInEitherOrder() throws Exception {
        for (boolean refundFirst : new boolean[] {true, false}) {
            String grant = key("purchase");
            String job = key("job");
            long user = userHolding(grant, 100, job, 60, TTL);
            Supplier<ClawbackResult> refund = () -> ledger.clawback(grant, 100, key("refund"), "refunded");
            Supplier<CaptureResult> capture = () -> ledger.capture(job);

            var r = account(user).race(refund, capture, refundFirst);

            assertThat(r.b()).isInstanceOf(CaptureResult.Captured.class);
            assertThat(r.a()).isInstanceOf(ClawbackResult.ClawedBack.class);
            ClawbackResult.ClawedBack back = (ClawbackResult.ClawedBack) r.a();
            // the 60 charged for the job were spent: only 40 can be taken, 60 are owed
            assertThat(back.applied()).isEqualTo(100);
            assertThat(back.taken()).as("refund first: %s", refundFirst).isEqualTo(40);
            assertThat(back.debtAdded()).isEqualTo(60);
            assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 60));
            assertThat(ledger.hold(job)).get().extracting(Hold::state).isEqualTo(HoldState.CAPTURED);
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    @Test
    void aFullRefundAndTheReleaseOfAFailedJobNeverLoseOrMakeCredits() throws Exception {
        for (boolean refundFirst : new boolean[] {true, false}) {
            String grant = key("purchase");
            String job = key("job");
            long user = userHolding(grant, 100, job, 60, TTL);
            Supplier<ClawbackResult> refund = () -> ledger.clawback(grant, 100, key("refund"), "refunded");
            Supplier<ReleaseResult> release = () -> ledger.release(job, "provider failed");

            var r = account(user).race(refund, release, refundFirst);

            assertThat(r.b()).isInstanceOf(ReleaseResult.Released.class);
            Balance b = ledger.balance(user);
            assertThat(b.held()).isZero();
            // what the user can still spend, net of what is owed, is what they kept of the purchase: nothing
            assertThat(b.balance() - b.debt()).isZero();
            // refund first: the 60 held could not be taken and were owed; the release's credits pay it
            assertThat(b).isEqualTo(new Balance(0, 0, 0));
            assertThat(ledger.hold(job)).get().extracting(Hold::state).isEqualTo(HoldState.RELEASED);
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    @Test
    void aDisputeAndTheHoldsExpiryNeverLoseOrMakeCredits() throws Exception {
        for (boolean disputeFirst : new boolean[] {true, false}) {
            String grant = key("purchase");
            String job = key("job");
            long user = userHolding(grant, 100, job, 60, Duration.ofMinutes(1));
            clock.advance(Duration.ofMinutes(2));
            Supplier<ClawbackResult> dispute = () -> ledger.clawback(grant, 100, key("dispute"), "chargeback");
            Supplier<Integer> expiry = () -> ledger.expireDue(clock.instant());

            account(user).race(dispute, expiry, disputeFirst);

            Balance b = ledger.balance(user);
            assertThat(b.held()).isZero();
            assertThat(b.balance() - b.debt()).isZero();
            assertThat(b).as("dispute first: %s", disputeFirst).isEqualTo(new Balance(0, 0, 0));
            assertThat(ledger.hold(job)).get().extracting(Hold::state).isEqualTo(HoldState.EXPIRED);
            assertThat(ledger.checkInvariants().violations()).isEmpty();
            clock.reset();
        }
    }

    @Test
    void aRefundThatLeavesADebtAndAPurchaseThatPaysItLeaveTheSameBooksInEitherOrder() throws Exception {
        for (boolean refundFirst : new boolean[] {true, false}) {
            String grant = key("purchase");
            String job = key("job");
            long user = userHolding(grant, 100, job, 60, TTL);
            Supplier<ClawbackResult> refund = () -> ledger.clawback(grant, 100, key("refund"), "refunded");
            Supplier<GrantResult> purchase =
                    () -> ledger.grant(user, 200, GrantSource.PURCHASE, key("purchase"), null, "pack");

            GrantResult granted =
                    account(user).race(refund, purchase, refundFirst).b();

            // refund first: 40 taken, 60 owed, which the purchase pays; purchase first: all 100 taken
            assertThat(granted.paidDebt()).as("refund first: %s", refundFirst).isEqualTo(refundFirst ? 60 : 0);
            assertThat(ledger.balance(user)).isEqualTo(new Balance(200, 60, 0));
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    @Test
    void aWaiverAndAPurchasePayingTheSameDebtForgiveAndPayItOnceInTotal() throws Exception {
        for (long purchase : new long[] {30, 80}) {
            for (boolean waiverFirst : new boolean[] {true, false}) {
                long user = userOwing(50);
                String grantKey = key("purchase");
                Supplier<GrantResult> pay =
                        () -> ledger.grant(user, purchase, GrantSource.PURCHASE, grantKey, null, "pack");
                Supplier<DebtWaived> waive = () -> ledger.waiveDebt(user, 50, key("waiver"), "alice", "goodwill");

                var r = account(user).race(waive, pay, waiverFirst);

                DebtWaived waived = r.a();
                GrantResult granted = r.b();
                String what = "purchase " + purchase + ", waiver first " + waiverFirst;
                // the debt is gone, paid or forgiven, never both for the same credit
                assertThat(granted.paidDebt() + waived.waived()).as(what).isEqualTo(50);
                assertThat(ledger.balance(user)).as(what).isEqualTo(new Balance(purchase - granted.paidDebt(), 0, 0));
                assertThat(granted.paidDebt()).as(what).isEqualTo(waiverFirst ? 0 : Math.min(purchase, 50));
                assertThat(ledger.checkInvariants().violations()).isEmpty();
            }
        }
    }

    @Test
    void aWaiverAndARefundAddingToTheDebtNeverForgiveMoreThanWasOwedWhenTheWaiverWasAsked() throws Exception {
        for (boolean waiverFirst : new boolean[] {true, false}) {
            // a purchase of 30, spent; then another of 50, spent and disputed: 50 owed
            Owing o = owingBesideASpentPurchase(30, 50);
            Supplier<DebtWaived> waive = () -> ledger.waiveDebt(o.user(), 50, key("waiver"), "alice", "goodwill");
            Supplier<ClawbackResult> refund = () -> ledger.clawback(o.spentPurchase(), 30, key("refund"), "refunded");

            DebtWaived waived =
                    account(o.user()).race(waive, refund, waiverFirst).a();

            // the 50 asked for are forgiven either way; the refund's 30, spent, are owed
            assertThat(waived.waived()).as("waiver first: %s", waiverFirst).isEqualTo(50);
            assertThat(ledger.balance(o.user())).isEqualTo(new Balance(0, 0, 30));
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    /**
     * The waiver's amount is more than was owed when its statement began, and a refund adds to the
     * debt while the waiver waits for the account: the waiver forgives what it asked for out of the
     * debt it finds under its lock (80 owed, 50 forgiven). Locked in a CTE of the statement that
     * changed the row, the waiver subtracted the 50 from the debt as the statement's snapshot had it
     * (30) and the account's CHECK refused the candidate row (debt -20).
     */
    @Test
    void aWaiverOfMoreThanIsOwedAndARefundAddingToTheDebtForgiveWhatTheWaiverFindsOwed() throws Exception {
        for (boolean waiverFirst : new boolean[] {true, false}) {
            // a purchase of 50, spent; another of 30, spent and disputed: 30 owed
            Owing o = owingBesideASpentPurchase(50, 30);
            Supplier<DebtWaived> waive = () -> ledger.waiveDebt(o.user(), 50, key("waiver"), "alice", "goodwill");
            Supplier<ClawbackResult> refund = () -> ledger.clawback(o.spentPurchase(), 50, key("refund"), "refunded");

            DebtWaived waived =
                    account(o.user()).race(waive, refund, waiverFirst).a();

            String what = "waiver first: " + waiverFirst;
            // waiver first: the 30 owed are forgiven, then the refund's 50 (spent) are owed;
            // refund first: 80 owed, the 50 asked for are forgiven
            assertThat(waived.waived()).as(what).isEqualTo(waiverFirst ? 30 : 50);
            assertThat(ledger.balance(o.user())).as(what).isEqualTo(new Balance(0, 0, waiverFirst ? 50 : 30));
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    /** A user who owes {@code owed} and has spent all of another purchase, {@code spentPurchase}. */
    private record Owing(long user, String spentPurchase) {}

    /** A purchase of {@code spent}, spent; another of {@code owed}, spent and disputed. */
    private Owing owingBesideASpentPurchase(long spent, long owed) {
        long user = newUser();
        String spentPurchase = key("purchase");
        ledger.grant(user, spent, GrantSource.PURCHASE, spentPurchase, null, "pack");
        String job = key("job");
        ledger.reserve(user, spent, job, TTL);
        ledger.capture(job);
        String disputed = key("purchase");
        ledger.grant(user, owed, GrantSource.PURCHASE, disputed, null, "pack");
        String second = key("job");
        ledger.reserve(user, owed, second, TTL);
        ledger.capture(second);
        ledger.clawback(disputed, owed, key("dispute"), "chargeback");
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, owed));
        return new Owing(user, spentPurchase);
    }

    private HeldLockRace account(long user) {
        return HeldLockRace.onCreditAccount(dataSource, user);
    }
}
