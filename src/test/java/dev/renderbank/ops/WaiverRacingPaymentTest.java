package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
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
        String actor = "waiver-" + UUID.randomUUID() + "@test.local";
        Supplier<Object> pay = () -> ledger.grant(user, 80, GrantSource.PURCHASE, "race-pay-" + user, null, "pack");
        Supplier<Object> waive = () -> actions.waiveDebt(actor, user, "goodwill", "waive-" + user);

        Object[] r = inOrder(user, pay, waive);

        assertThat(((GrantResult) r[0]).paidDebt()).isEqualTo(50);
        assertThat(r[1])
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
        String actor = "waiver-" + UUID.randomUUID() + "@test.local";
        Supplier<Object> pay = () -> ledger.grant(user, 80, GrantSource.PURCHASE, "race-pay-" + user, null, "pack");
        Supplier<Object> waive = () -> actions.waiveDebt(actor, user, "goodwill", "waive-" + user);

        Object[] r = inOrder(user, waive, pay);

        assertThat(r[0])
                .isInstanceOfSatisfying(
                        ActionResult.Done.class,
                        d -> assertThat(d.action().after()).contains("\"waived\": 50"));
        assertThat(((GrantResult) r[1]).paidDebt()).isZero();
        assertThat(ledger.balance(user)).isEqualTo(new Balance(80, 0, 0));
        assertThat(count("select count(*) from operator_action where actor = :a", actor))
                .isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    private long count(String sql, String actor) {
        return jdbc.sql(sql).param("a", actor).query(Long.class).single();
    }

    /** {@code first} then {@code second} started while the account row is locked here, then let go. */
    private Object[] inOrder(long user, Supplier<Object> first, Supplier<Object> second) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock =
                    c.prepareStatement("select 1 from credit_account where user_id = ? for no key update")) {
                lock.setLong(1, user);
                lock.executeQuery().close();
            }
            long backend = LockWaits.backend(c);
            long before = LockWaits.waiting(jdbc);
            CompletableFuture<Object> a = new CompletableFuture<>();
            Concurrently.completeInBackground(a, first);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.blockedBy(jdbc, backend));
            CompletableFuture<Object> b = new CompletableFuture<>();
            Concurrently.completeInBackground(b, second);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> LockWaits.waiting(jdbc) >= before + 2);
            c.commit();
            return new Object[] {a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS)};
        }
    }
}
