package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.HeldLockRace;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@link Ledger#giveBack} restores what the clawbacks it reverses took from the user, and no more:
 * debt of theirs an operator forgave was never paid, so it does not come back as credits; debt the
 * user paid does. Each scenario runs twice, with and without the waiver: once every clawback a waiver
 * forgave is reversed, both end the same (the waiver leaves no trace), whatever order waivers,
 * payments and partial give-backs came in.
 */
class GiveBackAfterWaiverTest extends LedgerTestSupport {

    @Autowired
    DataSource dataSource;

    /** A user granted {@code amount} under {@code grant} who spent all of it. */
    private void spent(long user, String grant, long amount) {
        ledger.grant(user, amount, GrantSource.PURCHASE, grant, null, "pack");
        String job = key("job");
        ledger.reserve(user, amount, job, TTL);
        ledger.capture(job);
    }

    private void waiveAll(long user) {
        long debt = ledger.balance(user).debt();
        ledger.waiveDebt(user, debt, key("waiver"), "ops", "goodwill");
    }

    private GivenBack giveBack(long user, long amount, String grant) {
        return ledger.giveBack(user, amount, List.of(grant), "", GrantSource.PURCHASE, key("won"), null, "dispute won");
    }

    @Test
    void aClawbackThatWasAllDebtAndForgivenGivesBackNothing() {
        for (boolean waived : new boolean[] {true, false}) {
            long user = newUser();
            String grant = key("purchase");
            spent(user, grant, 500);
            ledger.clawback(grant, 500, key("dispute"), "chargeback");
            if (waived) {
                waiveAll(user);
            }

            GivenBack back = giveBack(user, 500, grant);

            assertThat(back.forgiven()).isEqualTo(waived ? 500 : 0);
            assertThat(ledger.balance(user)).as("waived: %s", waived).isEqualTo(new Balance(0, 0, 0));
        }
    }

    @Test
    void debtTheUserPaidComesBackAsCreditsAndTheForgivenRestDoesNot() {
        for (boolean waived : new boolean[] {true, false}) {
            long user = newUser();
            String grant = key("purchase");
            spent(user, grant, 500);
            ledger.clawback(grant, 500, key("dispute"), "chargeback");
            ledger.grant(user, 200, GrantSource.PURCHASE, key("later"), null, "pack"); // pays 200 of the 500
            if (waived) {
                waiveAll(user); // forgives the other 300
            }

            GivenBack back = giveBack(user, 500, grant);

            assertThat(back.forgiven()).isEqualTo(waived ? 300 : 0);
            assertThat(ledger.balance(user)).as("waived: %s", waived).isEqualTo(new Balance(200, 0, 0));
        }
    }

    @Test
    void partialGiveBacksCountTheForgivenPartOnceWhateverTheSteps() {
        for (boolean waived : new boolean[] {true, false}) {
            long user = newUser();
            String grant = key("purchase");
            spent(user, grant, 500);
            ledger.clawback(grant, 500, key("refund"), "refund");
            ledger.grant(user, 200, GrantSource.PURCHASE, key("later"), null, "pack");
            if (waived) {
                waiveAll(user); // 300
            }

            giveBack(user, 250, grant); // half of the refund failed
            assertThat(ledger.balance(user))
                    .as("waived: %s", waived)
                    .isEqualTo(waived ? new Balance(0, 0, 0) : new Balance(0, 0, 50));
            giveBack(user, 100, grant);
            giveBack(user, 150, grant); // the rest failed, in two steps

            assertThat(ledger.balance(user)).as("waived: %s", waived).isEqualTo(new Balance(200, 0, 0));
        }
    }

    @Test
    void aWaiverAfterAPartialGiveBackIsCountedAtTheNextOne() {
        long user = newUser();
        String grant = key("purchase");
        spent(user, grant, 500);
        ledger.clawback(grant, 500, key("refund"), "refund");
        giveBack(user, 200, grant); // cancels 200 of the debt
        waiveAll(user); // the 300 still owed

        GivenBack rest = giveBack(user, 300, grant);

        assertThat(rest.forgiven()).isEqualTo(300);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 0));
    }

    /**
     * Two clawbacks, one waiver forgiving part of each (a purchase paid the oldest's debt in part
     * first), then each reversed: the forgiveness of the one still standing stays forgiven, and once
     * both are reversed the waiver leaves no trace.
     */
    @Test
    void oneWaiverOverTwoClawbacksFollowsEachClawback() {
        for (boolean waived : new boolean[] {true, false}) {
            long user = newUser();
            String a = key("purchase-a");
            String b = key("purchase-b");
            spent(user, a, 300);
            spent(user, b, 200);
            ledger.clawback(a, 300, key("dispute-a"), "chargeback");
            ledger.clawback(b, 200, key("dispute-b"), "chargeback");
            ledger.grant(user, 100, GrantSource.PURCHASE, key("later"), null, "pack"); // pays 100 of a's
            if (waived) {
                waiveAll(user); // 400: a's other 200 and b's 200
            }

            GivenBack bBack = giveBack(user, 200, b);

            assertThat(bBack.forgiven()).isEqualTo(waived ? 200 : 0);
            assertThat(ledger.balance(user))
                    .as("b won, a stands (waived: %s)", waived)
                    .isEqualTo(waived ? new Balance(0, 0, 0) : new Balance(0, 0, 200));

            GivenBack aBack = giveBack(user, 300, a);

            assertThat(aBack.forgiven()).isEqualTo(waived ? 200 : 0);
            assertThat(ledger.balance(user))
                    .as("both won: the 100 paid come back (waived: %s)", waived)
                    .isEqualTo(new Balance(100, 0, 0));
        }
    }

    /**
     * A give-back cancels the debt of the clawback it reverses before it pays anyone else's: b's
     * give-back pays b's debt, not a's, so a waiver after it forgives a's, and a's own give-back
     * later counts it as forgiven.
     */
    @Test
    void aGiveBackPaysTheDebtOfTheClawbackItReversesFirst() {
        long user = newUser();
        String a = key("purchase-a");
        String b = key("purchase-b");
        spent(user, a, 100);
        spent(user, b, 100);
        ledger.clawback(a, 100, key("dispute-a"), "chargeback");
        ledger.clawback(b, 100, key("dispute-b"), "chargeback");
        giveBack(user, 100, b);
        waiveAll(user); // a's 100

        GivenBack aBack = giveBack(user, 100, a);

        assertThat(aBack.forgiven()).isEqualTo(100);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 0));
    }

    /**
     * A refund and a dispute of one pack are two clawbacks of the same grant: winning the dispute
     * reverses the dispute's clawback only. The refund stands and what the operator forgave of its
     * debt stays forgiven; the dispute's own debt is cancelled. (Counting the refund's waiver as the
     * dispute's left the user 200 in debt.)
     */
    @Test
    void aGiveBackCountsOnlyTheWaiverOfTheClawbacksItReversesNotOthersOfTheSameGrant() {
        long user = newUser();
        String grant = key("pack");
        spent(user, grant, 500);
        String refund = key("refund");
        String dispute = key("dispute");
        ledger.clawback(grant, 200, refund + ":" + grant, "refund of 40%"); // all debt
        waiveAll(user); // the refund's 200
        ledger.clawback(grant, 300, dispute + ":" + grant, "chargeback of the other 60%"); // all debt

        GivenBack back = ledger.giveBack(
                user, 300, List.of(grant), dispute + ":", GrantSource.PURCHASE, key("won"), null, "dispute won");

        assertThat(back.forgiven())
                .as("nothing of the dispute's debt was forgiven")
                .isEqualTo(0);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aGiveBackThatComesAgainUnderItsKeyCountsNothingMore() {
        long user = newUser();
        String grant = key("purchase");
        spent(user, grant, 500);
        ledger.clawback(grant, 500, key("dispute"), "chargeback");
        waiveAll(user);
        String won = key("won");

        GivenBack first = ledger.giveBack(user, 250, List.of(grant), "", GrantSource.PURCHASE, won, null, "won");
        GivenBack again = ledger.giveBack(user, 250, List.of(grant), "", GrantSource.PURCHASE, won, null, "won");

        assertThat(first.forgiven()).isEqualTo(250);
        assertThat(again.forgiven()).isEqualTo(250);
        assertThat(again.grant()).isInstanceOf(GrantResult.AlreadyGranted.class);
        assertThat(giveBack(user, 250, grant).forgiven())
                .as("what is left of the waiver")
                .isEqualTo(250);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 0));
    }

    @Test
    void aWaiverAndAGiveBackAtTheSameMomentEndTheSameInEitherOrder() throws Exception {
        for (boolean waiverFirst : new boolean[] {true, false}) {
            long user = newUser();
            String grant = key("purchase");
            spent(user, grant, 500);
            ledger.clawback(grant, 500, key("dispute"), "chargeback");
            Supplier<DebtWaived> waiver = () -> ledger.waiveDebt(user, 500, key("waiver"), "ops", "goodwill");
            Supplier<GivenBack> won = () -> giveBack(user, 500, grant);

            var r = HeldLockRace.onCreditAccount(dataSource, user).race(waiver, won, waiverFirst);

            assertThat(r.a().waived()).isEqualTo(waiverFirst ? 500 : 0);
            assertThat(r.b().forgiven()).isEqualTo(waiverFirst ? 500 : 0);
            assertThat(ledger.balance(user)).as("waiver first: %s", waiverFirst).isEqualTo(new Balance(0, 0, 0));
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }
}
