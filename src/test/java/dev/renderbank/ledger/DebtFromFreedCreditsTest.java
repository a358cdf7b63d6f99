package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.HeldLockRace;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A clawback takes only available credits; what a running job holds becomes debt. When the job's
 * credits come free (released or expired) they pay that debt at once, in the same transaction: the
 * user never sits with credits they cannot spend beside a debt an operator might forgive. The
 * payment is a DEBT_PAID entry, attributed to the clawbacks as paid, so a won dispute gives it back.
 */
class DebtFromFreedCreditsTest extends LedgerTestSupport {

    @Autowired
    DataSource dataSource;

    @Autowired
    TransactionTemplate tx;

    private record Owing(long user, String grant, String job) {}

    /** Bought 100, 60 of it held by a running job when the purchase was disputed: 40 taken, 60 owed. */
    private Owing disputedWhileAJobHeld(Duration ttl) {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, "pack");
        String job = key("job");
        assertThat(ledger.reserve(user, 60, job, ttl)).isInstanceOf(ReserveResult.Reserved.class);
        assertThat(ledger.clawback(grant, 100, key("dispute"), "chargeback"))
                .isEqualTo(new ClawbackResult.ClawedBack(100, 40, 60, false));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(60, 60, 60));
        return new Owing(user, grant, job);
    }

    private long paidByClawbacks(long user) {
        return jdbc.sql("select coalesce(sum(debt_paid), 0) from credit_clawback where user_id = :user")
                .param("user", user)
                .query(Long.class)
                .single();
    }

    @Test
    void aReleasedJobsCreditsPayTheDebtTheDisputeLeft() {
        Owing o = disputedWhileAJobHeld(TTL);

        assertThat(ledger.release(o.job(), "provider failed")).isInstanceOf(ReleaseResult.Released.class);

        assertThat(ledger.balance(o.user())).isEqualTo(new Balance(0, 0, 0));
        assertThat(entries(o.job(), "DEBT_PAID")).isEqualTo(1);
        assertThat(paidByClawbacks(o.user())).isEqualTo(60);
        // a repeated release finds nothing more to pay
        assertThat(ledger.release(o.job(), "provider failed")).isInstanceOf(ReleaseResult.AlreadyReleased.class);
        assertThat(entries(o.job(), "DEBT_PAID")).isEqualTo(1);
        assertThat(ledger.balance(o.user())).isEqualTo(new Balance(0, 0, 0));
    }

    @Test
    void anExpiredHoldAndACaptureTooLatePayTheDebtLikewise() {
        Owing swept = disputedWhileAJobHeld(Duration.ofMinutes(1));
        Owing capturedLate = disputedWhileAJobHeld(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(2));

        // the capture finds the hold past its deadline: it expires now and is not charged
        assertThat(ledger.capture(capturedLate.job())).isInstanceOf(CaptureResult.AlreadyReleased.class);
        ledger.expireDue(clock.instant());

        for (Owing o : List.of(swept, capturedLate)) {
            assertThat(ledger.hold(o.job())).get().extracting(Hold::state).isEqualTo(HoldState.EXPIRED);
            assertThat(ledger.balance(o.user())).isEqualTo(new Balance(0, 0, 0));
            assertThat(entries(o.job(), "DEBT_PAID")).isEqualTo(1);
        }
    }

    @Test
    void creditsThatComeFreeInPartsPayWhatTheyCover() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, "pack");
        String first = key("job");
        String second = key("job");
        ledger.reserve(user, 50, first, TTL);
        ledger.reserve(user, 50, second, TTL);
        ledger.clawback(grant, 100, key("dispute"), "chargeback");
        assertThat(ledger.balance(user)).isEqualTo(new Balance(100, 100, 100));

        ledger.release(first, "cancelled");
        assertThat(ledger.balance(user)).isEqualTo(new Balance(50, 50, 50));
        // the second job still runs and may be charged: its credits are not touched
        assertThat(ledger.capture(second)).isInstanceOf(CaptureResult.Captured.class);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 50));
    }

    @Test
    void aWonDisputeGivesBackWhatTheFreedCreditsPaid() {
        Owing o = disputedWhileAJobHeld(TTL);
        ledger.release(o.job(), "provider failed");

        GivenBack back = ledger.giveBack(
                o.user(), 100, List.of(o.grant()), "", GrantSource.PURCHASE, key("won"), null, "dispute won");

        // 40 taken from the balance and 60 paid from the released job's credits: all 100 come back
        assertThat(back.restored()).isEqualTo(100);
        assertThat(ledger.balance(o.user())).isEqualTo(new Balance(100, 0, 0));
    }

    @Test
    void debtNoClawbackExplainsDoesNotStopARelease() {
        long user = fundedUser(100);
        String job = key("job");
        ledger.reserve(user, 60, job, TTL);

        tx.executeWithoutResult(status -> {
            // broken books (the invariant check reports them): planted, and rolled back with the test
            status.setRollbackOnly();
            jdbc.sql("update credit_account set debt = 30 where user_id = :user")
                    .param("user", user)
                    .update();
            assertThat(ledger.release(job, "provider failed")).isInstanceOf(ReleaseResult.Released.class);
            assertThat(ledger.balance(user)).isEqualTo(new Balance(100, 0, 30));
            assertThat(entries(job, "DEBT_PAID")).isZero();
        });
    }

    @Test
    void aReleaseAndAGrantPayingTheSameDebtAtOnceEndAlike() throws Exception {
        for (boolean releaseFirst : new boolean[] {true, false}) {
            Owing o = disputedWhileAJobHeld(TTL);
            Supplier<ReleaseResult> release = () -> ledger.release(o.job(), "provider failed");
            Supplier<GrantResult> grant =
                    () -> ledger.grant(o.user(), 30, GrantSource.PURCHASE, key("purchase"), null, "pack");

            var r = HeldLockRace.onCreditAccount(dataSource, o.user()).race(release, grant, releaseFirst);

            assertThat(r.a()).isInstanceOf(ReleaseResult.Released.class);
            // release first: its 60 pay all of the debt and the grant is credited; grant first: the
            // grant pays 30 and the release the other 30
            assertThat(r.b().paidDebt()).as("release first: %s", releaseFirst).isEqualTo(releaseFirst ? 0 : 30);
            assertThat(ledger.balance(o.user())).isEqualTo(new Balance(30, 0, 0));
            assertThat(paidByClawbacks(o.user())).isEqualTo(60);
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    @Test
    void aReleaseAndAWaiverAtOnceNeverBothPayAndForgiveTheSameDebt() throws Exception {
        for (boolean releaseFirst : new boolean[] {true, false}) {
            Owing o = disputedWhileAJobHeld(TTL);
            Supplier<ReleaseResult> release = () -> ledger.release(o.job(), "provider failed");
            Supplier<DebtWaived> waiver = () -> ledger.waiveDebt(o.user(), 60, key("waiver"), "ops", "goodwill");

            var r = HeldLockRace.onCreditAccount(dataSource, o.user()).race(release, waiver, releaseFirst);

            // what was forgiven is what the user keeps: 60 owed in all, paid or forgiven once
            Balance b = ledger.balance(o.user());
            assertThat(b.held()).isZero();
            assertThat(b.debt()).isZero();
            assertThat(r.b().waived()).as("release first: %s", releaseFirst).isEqualTo(releaseFirst ? 0 : 60);
            assertThat(b.balance()).isEqualTo(r.b().waived());
            assertThat(paidByClawbacks(o.user()) + r.b().waived()).isEqualTo(60);
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }
}
