package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.HeldLockRace;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An operator waives a user's debt while a purchase pays it, in both orders. The debt goes once in
 * total (paid or forgiven), and the operator's answer and audit trail say what happened: a waiver
 * that comes after the purchase paid everything forgives nothing and is refused as "owes nothing",
 * recorded nowhere, exactly as a waiver asked for after the payment is; one that comes first
 * forgives it all and the purchase is credited in full.
 */
class WaiverRacingPaymentTest extends IntegrationTest {

    @Autowired
    UserActions actions;

    @Autowired
    Ledger ledger;

    @Autowired
    TestUsers users;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    /** A user who spent a purchase of {@code debt} credits that was then disputed: owes {@code debt}. */
    private long userOwing(long debt) {
        long user = users.create(0).id();
        String grant = "race-purchase-" + UUID.randomUUID();
        ledger.grant(user, debt, GrantSource.PURCHASE, grant, null, null);
        String job = "race-job-" + UUID.randomUUID();
        ledger.reserve(user, debt, job, Duration.ofMinutes(10));
        ledger.capture(job);
        ledger.clawback(grant, debt, "race-dispute-" + UUID.randomUUID(), "chargeback");
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, debt));
        return user;
    }

    @Test
    void aWaiverOvertakenByAPaymentOfTheWholeDebtIsRefusedAndRecordedNowhere() throws Exception {
        long user = userOwing(50);
        String actor = newActor();

        var r = account(user).inOrder(pay80(user), waive(actor, user));

        assertThat(r.a().paidDebt()).isEqualTo(50);
        assertThat(r.b())
                .isInstanceOfSatisfying(
                        ActionResult.Refused.class, f -> assertThat(f.code()).isEqualTo("no-debt"));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(30, 0, 0));
        assertThat(count("select count(*) from operator_action where actor = :a", actor))
                .as("audit records")
                .isZero();
        assertThat(count("select count(*) from debt_waiver where actor = :a", actor))
                .as("waivers")
                .isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aWaiverAheadOfThePaymentForgivesTheDebtAndThePaymentIsCreditedInFull() throws Exception {
        long user = userOwing(50);
        String actor = newActor();

        var r = account(user).inOrder(waive(actor, user), pay80(user));

        assertThat(r.a())
                .isInstanceOfSatisfying(
                        ActionResult.Done.class,
                        d -> assertThat(d.action().after()).contains("\"waived\": 50"));
        assertThat(r.b().paidDebt()).isZero();
        assertThat(ledger.balance(user)).isEqualTo(new Balance(80, 0, 0));
        assertThat(count("select count(*) from operator_action where actor = :a", actor))
                .isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    private static String newActor() {
        return "waiver-" + UUID.randomUUID() + "@test.local";
    }

    /** A purchase of 80 credits by {@code user}. */
    private Supplier<GrantResult> pay80(long user) {
        return () -> ledger.grant(user, 80, GrantSource.PURCHASE, "race-pay-" + user, null, "pack");
    }

    /** The operator {@code actor} waives {@code user}'s debt. */
    private Supplier<ActionResult> waive(String actor, long user) {
        return () -> actions.waiveDebt(actor, user, "goodwill", "waive-" + user);
    }

    private HeldLockRace account(long user) {
        return HeldLockRace.onCreditAccount(dataSource, user);
    }

    private long count(String sql, String actor) {
        return jdbc.sql(sql).param("a", actor).query(Long.class).single();
    }
}
