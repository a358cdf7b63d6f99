package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BadInputTest extends LedgerTestSupport {

    @Test
    void badInputIsRejectedBeforeAnythingIsWritten() {
        long user = fundedUser(100);
        String grant = key("purchase");
        ledger.grant(user, 50, GrantSource.PURCHASE, grant, null, null);
        String hold = key("job");
        ledger.reserve(user, 10, hold, TTL);
        String longKey = "k".repeat(201);
        String before = tableCounts();

        List<ThrowingCallable> calls = List.of(
                () -> ledger.grant(user, 0, GrantSource.PURCHASE, key("g"), null, null),
                () -> ledger.grant(user, -5, GrantSource.PURCHASE, key("g"), null, null),
                () -> ledger.grant(user, Ledger.MAX_AMOUNT + 1, GrantSource.PURCHASE, key("g"), null, null),
                () -> ledger.grant(user, 5, null, key("g"), null, null),
                () -> ledger.grant(user, 5, GrantSource.ADMIN, " ", null, null),
                () -> ledger.grant(user, 5, GrantSource.ADMIN, longKey, null, null),
                () -> ledger.grant(0, 5, GrantSource.ADMIN, key("g"), null, null),
                () -> ledger.reserve(user, 0, key("job"), TTL),
                () -> ledger.reserve(user, Long.MAX_VALUE, key("job"), TTL),
                () -> ledger.reserve(user, 5, null, TTL),
                () -> ledger.reserve(user, 5, key("job"), Duration.ZERO),
                () -> ledger.reserve(user, 5, key("job"), Duration.ofSeconds(-1)),
                () -> ledger.reserve(user, 5, key("job"), Duration.ofDays(31)),
                () -> ledger.reserve(user, 5, key("job"), null),
                () -> ledger.reserve(-1, 5, key("job"), TTL),
                () -> ledger.capture(""),
                () -> ledger.capture(null),
                () -> ledger.release(longKey, "x"),
                () -> ledger.clawback(grant, 0, key("refund"), "x"),
                () -> ledger.clawback(null, 5, key("refund"), "x"),
                () -> ledger.clawback(grant, 5, "", "x"),
                () -> ledger.waiveDebt(user, 0, key("waiver"), "ops", "x"),
                () -> ledger.waiveDebt(user, 5, key("waiver"), " ", "x"),
                () -> ledger.waiveDebt(user, 5, key("waiver"), "ops", null),
                () -> ledger.waiveDebt(user, 5, null, "ops", "x"),
                () -> ledger.waiveDebt(0, 5, key("waiver"), "ops", "x"),
                () -> ledger.waiveDebt(-1, 5, key("waiver"), "ops", "x"),
                () -> ledger.waiveDebt(user, -5, key("waiver"), "ops", "x"),
                () -> ledger.waiveDebt(user, Ledger.MAX_AMOUNT + 1, key("waiver"), "ops", "x"),
                () -> ledger.waiveDebt(user, 5, longKey, "ops", "x"),
                () -> ledger.waiveDebt(user, 5, " ", "ops", "x"),
                () -> ledger.waiveDebt(user, 5, key("waiver"), null, "x"),
                () -> ledger.waiveDebt(user, 5, key("waiver"), "o".repeat(1001), "x"),
                () -> ledger.waiveDebt(user, 5, key("waiver"), "ops", " "),
                () -> ledger.waiveDebt(user, 5, key("waiver"), "ops", "r".repeat(1001)),
                () -> ledger.clawback(grant, -1, key("refund"), "x"),
                () -> ledger.clawback(grant, Ledger.MAX_AMOUNT + 1, key("refund"), "x"),
                () -> ledger.clawback(" ", 5, key("refund"), "x"),
                () -> ledger.clawback(longKey, 5, key("refund"), "x"),
                () -> ledger.clawback(grant, 5, null, "x"),
                () -> ledger.clawback(grant, 5, longKey, "x"),
                () -> ledger.reserve(user, Ledger.MAX_AMOUNT + 1, key("job"), TTL),
                () -> ledger.reserve(user, 5, longKey, TTL),
                () -> ledger.reserve(0, 5, key("job"), TTL),
                () -> ledger.release(null, "x"),
                () -> ledger.release(" ", "x"),
                () -> ledger.grant(-1, 5, GrantSource.ADMIN, key("g"), null, null),
                () -> ledger.grant(user, 5, GrantSource.ADMIN, null, null, null),
                () -> ledger.history(user, null, -1),
                () -> ledger.history(user, null, 0),
                () -> ledger.history(user, null, 201),
                () -> ledger.history(user, "not-a-cursor", 10),
                () -> ledger.history(user, "-1", 10),
                () -> ledger.history(user, "0", 10));

        for (ThrowingCallable call : calls) {
            assertThatIllegalArgumentException().isThrownBy(call);
        }
        assertThat(tableCounts()).isEqualTo(before);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(150, 10, 0));
    }

    @Test
    void limitsAcceptTheirExactBounds() {
        long user = newUser();
        String grant = exactly200(key("purchase"));

        assertThat(ledger.grant(user, Ledger.MAX_AMOUNT, GrantSource.ADMIN, grant, null, null)
                        .amount())
                .isEqualTo(Ledger.MAX_AMOUNT);
        String hold = exactly200(key("job"));
        assertThat(ledger.reserve(user, 1, hold, Ledger.MAX_TTL)).isInstanceOf(ReserveResult.Reserved.class);
        assertThat(ledger.hold(hold).orElseThrow().expiresAt())
                .isAfter(clock.instant().plus(Ledger.MAX_TTL).minusSeconds(60));
        assertThat(ledger.release(hold, "bounds")).isInstanceOf(ReleaseResult.Released.class);
        assertThat(ledger.waiveDebt(
                        user, Ledger.MAX_AMOUNT, exactly200(key("waiver")), "o".repeat(1000), "r".repeat(1000)))
                .isEqualTo(new DebtWaived(user, Ledger.MAX_AMOUNT, 0, false));
        assertThat(ledger.clawback(grant, 1, exactly200(key("refund")), "bounds"))
                .isEqualTo(new ClawbackResult.ClawedBack(1, 1, 0, false));
        assertThat(ledger.history(user, null, 1).items()).hasSize(1);
        assertThat(ledger.history(user, null, 200).items()).hasSize(4);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(Ledger.MAX_AMOUNT - 1, 0, 0));
    }

    private static String exactly200(String key) {
        return key + "x".repeat(200 - key.length());
    }
}
