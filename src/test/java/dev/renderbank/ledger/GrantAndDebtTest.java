package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;

class GrantAndDebtTest extends LedgerTestSupport {

    @Test
    void aGrantIsAppliedOnceWhateverTheRepeats() {
        long user = newUser();
        String key = key("purchase");

        GrantResult first = ledger.grant(user, 500, GrantSource.PURCHASE, key, "order-1", "pack-500");
        GrantResult again = ledger.grant(user, 500, GrantSource.PURCHASE, key, "order-1", "pack-500");

        assertThat(first).isInstanceOf(GrantResult.Granted.class);
        assertThat(again).isInstanceOf(GrantResult.AlreadyGranted.class);
        assertThat(again.grantId()).isEqualTo(first.grantId());
        assertThat(ledger.balance(user)).isEqualTo(new Balance(500, 0, 0));
        assertThat(entries(key, "GRANT")).isEqualTo(1);
    }

    @Test
    void aGrantKeyReusedForAnotherAmountIsABugAndWritesNothing() {
        long user = newUser();
        String key = key("purchase");
        ledger.grant(user, 500, GrantSource.PURCHASE, key, null, null);
        String before = tableCounts();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> ledger.grant(user, 200, GrantSource.PURCHASE, key, null, null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ledger.grant(newUser(), 500, GrantSource.PURCHASE, key, null, null));
        assertThat(tableCounts()).isEqualTo(before);
    }

    @Test
    void aPartialClawbackTakesCreditsBackAndARepeatChangesNothing() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        String refund = key("refund");

        ClawbackResult first = ledger.clawback(grant, 40, refund, "partial refund");
        ClawbackResult again = ledger.clawback(grant, 40, refund, "partial refund");

        assertThat(first).isEqualTo(new ClawbackResult.ClawedBack(40, 40, 0, false));
        assertThat(again).isEqualTo(new ClawbackResult.ClawedBack(40, 40, 0, true));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(60, 0, 0));
        assertThat(entries(refund, "CLAWBACK")).isEqualTo(1);
    }

    @Test
    void clawbacksOfOneGrantAreCappedAtWhatItGranted() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        ledger.grant(user, 1000, GrantSource.SUBSCRIPTION, key("month"), null, null);

        String disputeKey = key("dispute");
        String secondDispute = key("dispute");
        ClawbackResult refund = ledger.clawback(grant, 70, key("refund"), "partial refund");
        ClawbackResult dispute = ledger.clawback(grant, 100, disputeKey, "dispute");
        ClawbackResult third = ledger.clawback(grant, 100, secondDispute, "second dispute");

        assertThat(refund).isEqualTo(new ClawbackResult.ClawedBack(70, 70, 0, false));
        assertThat(dispute).isEqualTo(new ClawbackResult.ClawedBack(30, 30, 0, false));
        assertThat(third).isEqualTo(new ClawbackResult.ClawedBack(0, 0, 0, false));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(1000, 0, 0));
        assertThat(entries(disputeKey, "CLAWBACK")).isEqualTo(1);
        // the grant was already clawed back in full: the attempt is recorded, the books get no empty line
        assertThat(entries(secondDispute, "CLAWBACK")).isZero();
        assertThat(ledger.clawback(grant, 100, secondDispute, "second dispute"))
                .isEqualTo(new ClawbackResult.ClawedBack(0, 0, 0, true));
    }

    @Test
    void whatTheBalanceCannotCoverBecomesDebtAndDebtBlocksReserves() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        ledger.grant(user, 50, GrantSource.REWARD, key("reward"), null, null);
        String job = key("job");
        ledger.reserve(user, 120, job, TTL);

        ClawbackResult result = ledger.clawback(grant, 100, key("dispute"), "chargeback");

        assertThat(result).isEqualTo(new ClawbackResult.ClawedBack(100, 30, 70, false));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(120, 120, 70));
        String before = tableCounts();
        assertThat(ledger.reserve(user, 10, key("job"), TTL))
                .isEqualTo(new ReserveResult.InsufficientCredits(10, 0, 70));
        assertThat(tableCounts()).isEqualTo(before);
        // the job's 120 come free and pay the 70 owed first (DebtFromFreedCreditsTest)
        ledger.release(job, "cancelled");
        assertThat(ledger.balance(user)).isEqualTo(new Balance(50, 0, 0));
        assertThat(ledger.reserve(user, 10, key("job"), TTL)).isInstanceOf(ReserveResult.Reserved.class);
    }

    @Test
    void theNextGrantPaysTheDebtFirst() {
        long user = userOwing(70);

        GrantResult small = ledger.grant(user, 50, GrantSource.REWARD, key("reward"), null, null);
        assertThat(small).isEqualTo(new GrantResult.Granted(small.grantId(), user, 50, 50));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 20));

        String key = key("purchase");
        GrantResult big = ledger.grant(user, 200, GrantSource.PURCHASE, key, null, null);
        assertThat(big.paidDebt()).isEqualTo(20);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(180, 0, 0));
        assertThat(ledger.grant(user, 200, GrantSource.PURCHASE, key, null, null))
                .isEqualTo(new GrantResult.AlreadyGranted(big.grantId(), user, 200, 20));
        assertThat(ledger.reserve(user, 10, key("job"), TTL)).isInstanceOf(ReserveResult.Reserved.class);
    }

    @Test
    void aClawbackWhoseAccountIsGoneFailsAndWritesNothing() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        Balance saved = ledger.balance(user);
        // a broken database: the grant is there, its account row is not
        jdbc.sql("delete from credit_account where user_id = :user")
                .param("user", user)
                .update();
        String refund = key("refund");
        try {
            String before = tableCounts();
            assertThatIllegalStateException()
                    .isThrownBy(() -> ledger.clawback(grant, 40, refund, "refund"))
                    .withMessageContaining(Long.toString(user));
            assertThat(tableCounts()).isEqualTo(before);
        } finally {
            jdbc.sql("insert into credit_account (user_id, balance, held, debt) values (:user, :b, :h, :d)")
                    .param("user", user)
                    .param("b", saved.balance())
                    .param("h", saved.held())
                    .param("d", saved.debt())
                    .update();
        }
        assertThat(ledger.clawback(grant, 40, refund, "refund"))
                .isEqualTo(new ClawbackResult.ClawedBack(40, 40, 0, false));
    }

    @Test
    void clawbackOfAnUnknownGrantWritesNothing() {
        String before = tableCounts();

        assertThat(ledger.clawback("no-such-grant", 10, key("refund"), "x"))
                .isEqualTo(new ClawbackResult.GrantNotFound("no-such-grant"));
        assertThat(tableCounts()).isEqualTo(before);
    }

    @Test
    void aClawbackKeyReusedForAnotherAmountIsABugAndWritesNothing() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        String refund = key("refund");
        ledger.clawback(grant, 10, refund, "refund");
        String before = tableCounts();

        assertThatIllegalArgumentException().isThrownBy(() -> ledger.clawback(grant, 20, refund, "refund"));
        assertThat(tableCounts()).isEqualTo(before);
    }

    @Test
    void anOperatorWaivesDebtUpToWhatIsOwedOnce() {
        long user = userOwing(70);
        String key = key("waiver");

        DebtWaived first = ledger.waiveDebt(user, 30, key, "ops@renderbank", "goodwill");
        DebtWaived again = ledger.waiveDebt(user, 30, key, "ops@renderbank", "goodwill");
        DebtWaived rest = ledger.waiveDebt(user, 500, key("waiver"), "ops@renderbank", "written off");

        assertThat(first).isEqualTo(new DebtWaived(user, 30, 30, false));
        assertThat(again).isEqualTo(new DebtWaived(user, 30, 30, true));
        assertThat(rest).isEqualTo(new DebtWaived(user, 500, 40, false));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 0));
        assertThat(entries(key, "DEBT_WAIVED")).isEqualTo(1);
        assertThat(jdbc.sql("select actor || ':' || reason from debt_waiver where waiver_key = :key")
                        .param("key", key)
                        .query(String.class)
                        .single())
                .isEqualTo("ops@renderbank:goodwill");
    }

    @Test
    void waivingWhenNothingIsOwedMovesNothingButIsRecorded() {
        long user = fundedUser(10);
        String key = key("waiver");

        assertThat(ledger.waiveDebt(user, 5, key, "ops", "check")).isEqualTo(new DebtWaived(user, 5, 0, false));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(10, 0, 0));
        assertThat(entries(key, "DEBT_WAIVED")).isZero();
        assertThat(ledger.waiveDebt(user, 5, key, "ops", "check")).isEqualTo(new DebtWaived(user, 5, 0, true));
    }

    @Test
    void aWaiverKeyReusedForAnotherAmountIsABugAndWritesNothing() {
        long user = userOwing(10);
        String key = key("waiver");
        ledger.waiveDebt(user, 5, key, "ops", "goodwill");
        String before = tableCounts();

        assertThatIllegalArgumentException().isThrownBy(() -> ledger.waiveDebt(user, 6, key, "ops", "goodwill"));
        assertThat(tableCounts()).isEqualTo(before);
    }

    @Test
    void aPartialGiveBackOfACarriedDebtCancelsOnlyWhatWasNotWaivedAndTheRestLater() {
        long deleted = newUser();
        String grant = key("purchase");
        ledger.grant(deleted, 1000, GrantSource.PURCHASE, grant, null, null);
        String job = key("job");
        ledger.reserve(deleted, 1000, job, TTL);
        ledger.capture(job);
        String dispute = "stripe:dispute:" + key("d") + ":";
        ledger.clawback(grant, 1000, dispute + grant, "chargeback");
        ledger.waiveDebt(deleted, 400, key("waive"), "ops@example.com", "goodwill");
        forfeits.forfeitAll(deleted, key("deleted"), "account deleted");
        long next = newUser();
        assertThat(ledger.carryDebt(next, java.util.List.of(deleted))).isEqualTo(600);

        ledger.giveBack(deleted, 500, java.util.List.of(grant), dispute, GrantSource.ADMIN, key("won"), null, "won");

        assertThat(ledger.balance(next).debt())
                .as("given back 500 of a clawback of which 400 was waived: 100 better off")
                .isEqualTo(500);
        ledger.giveBack(deleted, 500, java.util.List.of(grant), dispute, GrantSource.ADMIN, key("won"), null, "won");
        assertThat(ledger.balance(next))
                .as("reversed in full: as if it never was")
                .isEqualTo(new Balance(0, 0, 0));
    }

    @org.springframework.beans.factory.annotation.Autowired
    Forfeits forfeits;
}
