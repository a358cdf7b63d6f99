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
                () -> ledger.history(user, null, 0),
                () -> ledger.history(user, null, 201),
                () -> ledger.history(user, "not-a-cursor", 10));

        for (ThrowingCallable call : calls) {
            assertThatIllegalArgumentException().isThrownBy(call);
        }
        assertThat(tableCounts()).isEqualTo(before);
        assertThat(ledger.balance(user)).isEqualTo(new Balance(150, 10, 0));
    }
}
