package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every ledger test trusts {@link Ledger#checkInvariants()} to catch broken books, so each kind of
 * break is planted here, one per test, by writing rows directly, and the report must name it. The
 * plant and the check share one transaction that is rolled back, so the shared database stays
 * sound.
 */
class InvariantCheckTest extends LedgerTestSupport {

    @Autowired
    TransactionTemplate tx;

    @BeforeEach
    void booksBalanceBeforePlanting() {
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aBalanceThatIsNotTheSumOfItsEntriesIsReported() {
        long user = fundedUser(100);

        assertThat(reportAfter(
                        sql -> run(sql, "update credit_account set balance = balance + 5 where user_id = ?", user)))
                .contains(account(user, 105, 0, 0, 100, 0, 0, 0));
    }

    @Test
    void heldThatIsNotTheSumOfItsEntriesIsReported() {
        long user = fundedUser(100);
        ledger.reserve(user, 30, key("job"), TTL);

        // an open hold and its held credits, but no HOLD entry: only the entries disagree
        String hold = key("job");
        assertThat(reportAfter(sql -> {
                    insertHold(sql, hold, user, 10, "OPEN");
                    run(sql, "update credit_account set held = held + 10 where user_id = ?", user);
                }))
                .contains(account(user, 100, 40, 0, 100, 30, 0, 40));
    }

    @Test
    void heldThatIsNotTheSumOfOpenHoldsIsReported() {
        long user = fundedUser(100);
        String hold = key("job");
        ledger.reserve(user, 30, hold, TTL);

        // the hold row says released, while the account and the entries still hold its credits
        assertThat(reportAfter(sql -> run(sql, "update credit_hold set state = 'RELEASED' where hold_key = ?", hold)))
                .contains(account(user, 100, 30, 0, 100, 30, 0, 0));
    }

    @Test
    void debtThatIsNotTheSumOfItsEntriesIsReported() {
        long user = fundedUser(100);

        assertThat(reportAfter(sql -> run(sql, "update credit_account set debt = 7 where user_id = ?", user)))
                .contains(account(user, 100, 0, 7, 100, 0, 0, 0));
    }

    @Test
    void negativeAvailableCreditsAreReportedEvenWhenEverySumAgrees() {
        long user = fundedUser(10);
        String hold = key("job");

        // the schema refuses held > balance, so the plant drops that constraint inside the rolled-back transaction
        assertThat(reportAfter(sql -> {
                    run(sql, "alter table credit_account drop constraint credit_account_available_nonneg");
                    insertHold(sql, hold, user, 15, "OPEN");
                    insertEntry(sql, user, "HOLD", 15, 0, 15, 0, hold);
                    run(sql, "update credit_account set held = held + 15 where user_id = ?", user);
                }))
                .contains(account(user, 10, 15, 0, 10, 15, 0, 15));
    }

    @Test
    void negativeDebtIsReportedEvenWhenItsEntriesAgree() {
        long user = fundedUser(10);
        String waiver = key("waiver");

        assertThat(reportAfter(sql -> {
                    run(sql, "alter table credit_account drop constraint credit_account_debt_nonneg");
                    run(
                            sql,
                            "insert into debt_waiver (waiver_key, user_id, requested, waived, actor, reason, created_at)"
                                    + " values (?, ?, 5, 5, 'ops', 'plant', now())",
                            waiver,
                            user);
                    insertEntry(sql, user, "DEBT_WAIVED", 5, 0, 0, -5, waiver);
                    run(sql, "update credit_account set debt = -5 where user_id = ?", user);
                }))
                .contains(account(user, 10, 0, -5, 10, 0, -5, 0));
    }

    @Test
    void aHoldSettledTwiceIsReported() {
        long user = fundedUser(100);
        String hold = key("job");
        ledger.reserve(user, 30, hold, TTL);
        ledger.capture(hold);

        // a second CAPTURE entry that moves nothing: every sum still agrees (it matches the hold's kind
        // and amount, not what a capture moves)
        assertThat(reportAfter(sql -> insertEntry(sql, user, "CAPTURE", 30, 0, 0, 0, hold)))
                .contains("hold %s (CAPTURED): 1 hold entries, 2 settlement entries, 1 matching its state"
                        .formatted(hold));
    }

    @Test
    void aHoldWhoseStateDisagreesWithItsSettlementEntryIsReported() {
        long user = fundedUser(100);
        String hold = key("job");
        ledger.reserve(user, 30, hold, TTL);
        ledger.release(hold, "provider failed");

        assertThat(reportAfter(sql -> run(sql, "update credit_hold set state = 'CAPTURED' where hold_key = ?", hold)))
                .contains("hold %s (CAPTURED): 1 hold entries, 1 settlement entries, 0 matching its state"
                        .formatted(hold));
    }

    @Test
    void aHoldWithoutEntriesIsReported() {
        long user = fundedUser(100);
        String hold = key("job");

        assertThat(reportAfter(sql -> insertHold(sql, hold, user, 10, "RELEASED")))
                .contains("hold %s (RELEASED): 0 hold entries, 0 settlement entries, 0 matching its state"
                        .formatted(hold));
    }

    @Test
    void aHoldOfNoAccountIsReported() {
        long stranger = newUser();

        assertThat(reportAfter(sql -> insertHold(sql, key("job"), stranger, 10, "RELEASED")))
                .contains("1 holds belong to no account");
    }

    @Test
    void anEntryOfNoAccountIsReported() {
        long stranger = newUser();

        assertThat(reportAfter(sql -> insertEntry(sql, stranger, "RELEASE", 10, 0, 0, 0, key("job"))))
                .contains("1 ledger entries belong to no account");
    }

    @Test
    void aHoldEntryOfNoHoldIsReported() {
        long user = fundedUser(100);

        assertThat(reportAfter(sql -> insertEntry(sql, user, "RELEASE", 10, 0, 0, 0, key("job"))))
                .contains("1 hold entries belong to no hold");
    }

    @Test
    void aGrantOfNoAccountIsReported() {
        long stranger = newUser();

        assertThat(reportAfter(sql -> insertGrant(sql, key("purchase"), stranger, 10)))
                .contains("1 grants or clawbacks belong to no account or grant");
    }

    @Test
    void aClawbackOfNoGrantIsReported() {
        long user = fundedUser(100);

        assertThat(reportAfter(sql -> run(
                        sql,
                        "insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,"
                                + " debt_added, created_at) values (?, -1, ?, 5, 0, 0, 0, now())",
                        key("refund"),
                        user)))
                .contains("1 grants or clawbacks belong to no account or grant");
    }

    @Test
    void aGrantWithoutItsEntryIsReported() {
        long user = fundedUser(100);
        String grant = key("purchase");

        assertThat(reportAfter(sql -> insertGrant(sql, grant, user, 10)))
                .contains("grant %s: 0 grant entries, clawed back 0 but clawbacks add up to 0".formatted(grant));
    }

    @Test
    void clawbacksThatDoNotAddUpToWhatTheGrantRecordsAreReported() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        ledger.clawback(grant, 30, key("refund"), "partial refund");

        assertThat(reportAfter(sql -> run(sql, "update credit_grant set clawed_back = 40 where grant_key = ?", grant)))
                .contains("grant %s: 1 grant entries, clawed back 40 but clawbacks add up to 30".formatted(grant));
    }

    @Test
    void creditsGrantedByAnEntryWithoutItsGrantAreReported() {
        long user = fundedUser(100);
        String ref = key("purchase");

        // balance and entries agree, but nothing records a grant: credits from nowhere
        assertThat(reportAfter(sql -> {
                    insertEntry(sql, user, "GRANT", 50, 50, 0, 0, ref);
                    run(sql, "update credit_account set balance = balance + 50 where user_id = ?", user);
                }))
                .contains("GRANT entry %s of user %d (amount 50) matches no grant".formatted(ref, user));
    }

    @Test
    void aSettlementEntryWhoseDeltasAreNotItsHoldsIsReported() {
        long user = fundedUser(100);
        String hold = key("job");
        ledger.reserve(user, 30, hold, TTL);

        // captured, but the balance kept the 30 and the entry says so: the sums agree, the charge is gone
        assertThat(reportAfter(sql -> {
                    run(sql, "update credit_hold set state = 'CAPTURED', settled_at = now() where hold_key = ?", hold);
                    run(sql, "update credit_account set held = held - 30 where user_id = ?", user);
                    insertEntry(sql, user, "CAPTURE", 30, 0, -30, 0, hold);
                }))
                .contains("hold %s (CAPTURED): 1 hold entries, 1 settlement entries, 0 matching its state"
                        .formatted(hold));
    }

    @Test
    void aForfeitEntryThatAddsCreditsIsReported() {
        long user = fundedUser(100);
        String ref = key("forfeit");

        assertThat(reportAfter(sql -> {
                    insertEntry(sql, user, "FORFEIT", 50, 50, 0, 0, ref);
                    run(sql, "update credit_account set balance = balance + 50 where user_id = ?", user);
                }))
                .contains("FORFEIT entry %s of user %d (amount 50) matches no forfeit".formatted(ref, user));
    }

    @Test
    void aClawbackWithoutItsEntryOrWithTwoIsReported() {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 100, GrantSource.PURCHASE, grant, null, null);
        String refund = key("refund");
        ledger.clawback(grant, 30, refund, "partial refund");

        // taken a second time under the same clawback: the balance and its entries agree
        assertThat(reportAfter(sql -> {
                    insertEntry(sql, user, "CLAWBACK", 30, -30, 0, 0, refund);
                    run(sql, "update credit_account set balance = balance - 30 where user_id = ?", user);
                }))
                .contains("clawback %s applied 30 with 2 CLAWBACK entries".formatted(refund));
        // a clawback recorded without its entry and without taking anything: the user keeps what the
        // books say was taken back
        String lost = key("dispute");
        assertThat(reportAfter(sql -> {
                    run(
                            sql,
                            "insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,"
                                    + " debt_added, reason, created_at) select ?, id, user_id, 20, 20, 20, 0, 'lost',"
                                    + " now() from credit_grant where grant_key = ?",
                            lost,
                            grant);
                    run(sql, "update credit_grant set clawed_back = clawed_back + 20 where grant_key = ?", grant);
                }))
                .contains("clawback %s applied 20 with 0 CLAWBACK entries".formatted(lost));
    }

    @Test
    void aClawbackEntryWithoutItsClawbackIsReported() {
        long user = fundedUser(100);
        String ref = key("refund");

        assertThat(reportAfter(sql -> {
                    insertEntry(sql, user, "CLAWBACK", 20, -20, 0, 0, ref);
                    run(sql, "update credit_account set balance = balance - 20 where user_id = ?", user);
                }))
                .contains("CLAWBACK entry %s of user %d (amount 20) matches no clawback".formatted(ref, user));
    }

    @Test
    void aWaiverEntryWithoutItsWaiverIsReported() {
        long user = userOwing(10);
        String ref = key("waiver");

        // debt forgiven in the books with no waiver to say who did it and why
        assertThat(reportAfter(sql -> {
                    insertEntry(sql, user, "DEBT_WAIVED", 5, 0, 0, -5, ref);
                    run(sql, "update credit_account set debt = debt - 5 where user_id = ?", user);
                }))
                .contains("DEBT_WAIVED entry %s of user %d (amount 5) matches no waiver".formatted(ref, user));
    }

    @Test
    void aDebtPaymentWithoutAHoldThatCameFreeIsReported() {
        long user = userOwing(10);
        String ref = key("job");

        // debt paid from credits no released or expired hold gave back
        assertThat(reportAfter(sql -> insertEntry(sql, user, "DEBT_PAID", 5, -5, 0, -5, ref)))
                .contains("DEBT_PAID entry %s of user %d (amount 5) matches no released or expired hold"
                        .formatted(ref, user));
    }

    /** Plants the break and runs the check in one transaction, then rolls both back. */
    private List<String> reportAfter(Consumer<JdbcClient> plant) {
        InvariantReport report = tx.execute(status -> {
            status.setRollbackOnly();
            plant.accept(jdbc);
            InvariantReport checked = ledger.checkInvariants();
            assertThat(checked.accountsChecked())
                    .isEqualTo(jdbc.sql("select count(*) from credit_account")
                            .query(Long.class)
                            .single());
            return checked;
        });
        assertThat(report.holds()).isFalse();
        return report.violations();
    }

    private static String account(
            long user, long balance, long held, long debt, long eb, long eh, long ed, long openHolds) {
        return "user %d: balance=%d held=%d debt=%d, entries say balance=%d held=%d debt=%d, open holds=%d"
                .formatted(user, balance, held, debt, eb, eh, ed, openHolds);
    }

    private static void run(JdbcClient sql, String statement, Object... params) {
        JdbcClient.StatementSpec spec = sql.sql(statement);
        for (Object p : params) {
            spec = spec.param(p);
        }
        spec.update();
    }

    private static void insertHold(JdbcClient sql, String key, long user, long amount, String state) {
        run(
                sql,
                "insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at)"
                        + " values (?, ?, ?, ?, now() + interval '10 minutes', now())",
                key,
                user,
                amount,
                state);
    }

    private static void insertEntry(
            JdbcClient sql, long user, String kind, long amount, long balance, long held, long debt, String ref) {
        run(
                sql,
                "insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key,"
                        + " created_at) values (?, ?, ?, ?, ?, ?, ?, now())",
                user,
                kind,
                amount,
                balance,
                held,
                debt,
                ref);
    }

    private static void insertGrant(JdbcClient sql, String key, long user, long amount) {
        run(
                sql,
                "insert into credit_grant (grant_key, user_id, amount, source, created_at)"
                        + " values (?, ?, ?, 'ADMIN', now())",
                key,
                user,
                amount);
    }
}
