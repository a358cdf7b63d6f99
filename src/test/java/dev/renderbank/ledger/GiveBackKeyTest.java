package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A give-back is idempotent by its key like every ledger operation: the same request again returns
 * the first outcome, and the key reused for another request is a caller's bug, refused as a grant,
 * hold, clawback or waiver key reused for another user or amount is ({@link IllegalArgumentException},
 * nothing written). Another request is one for another user or amount, or one that reverses other
 * clawbacks: other grants (compared as a set: the ledger reverses the clawbacks of the grants named,
 * in whatever order and however often each is named) or another start of their keys. Answered as the
 * first, the second give-back was lost without anyone knowing, or the wrong clawbacks were reversed.
 */
class GiveBackKeyTest extends LedgerTestSupport {

    private record Clawed(long user, String a, String b) {}

    /** A user who spent two purchases, both clawed back by one dispute (all of it debt). */
    private Clawed disputed() {
        long user = newUser();
        String a = key("purchase-a");
        String b = key("purchase-b");
        ledger.grant(user, 100, GrantSource.PURCHASE, a, null, "pack");
        ledger.grant(user, 100, GrantSource.PURCHASE, b, null, "pack");
        String job = key("job");
        ledger.reserve(user, 200, job, TTL);
        ledger.capture(job);
        for (String grant : List.of(a, b)) {
            ledger.clawback(grant, 100, "dispute:1:" + grant, "chargeback");
        }
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, 200));
        return new Clawed(user, a, b);
    }

    private GivenBack giveBack(long user, long amount, List<String> reversed, String prefix, String key) {
        return ledger.giveBack(user, amount, reversed, prefix, GrantSource.PURCHASE, key, null, "dispute won");
    }

    @Test
    void theSameGiveBackAgainReturnsTheFirstOutcomeWhateverTheOrderOfItsGrants() {
        Clawed c = disputed();
        String won = key("won");
        GivenBack first = giveBack(c.user(), 200, List.of(c.a(), c.b()), "dispute:1:", won);

        GivenBack again = giveBack(c.user(), 200, List.of(c.b(), c.a(), c.b()), "dispute:1:", won);

        assertThat(again.grant()).isInstanceOf(GrantResult.AlreadyGranted.class);
        assertThat(again.grant().grantId()).isEqualTo(first.grant().grantId());
        assertThat(again.restored()).isEqualTo(first.restored());
        assertThat(ledger.balance(c.user())).isEqualTo(new Balance(0, 0, 0));
        assertThat(entries(won, "GRANT")).isEqualTo(1);
    }

    @Test
    void aGiveBackKeyReusedToReverseOtherClawbacksIsABugAndWritesNothing() {
        Clawed c = disputed();
        String won = key("won");
        giveBack(c.user(), 100, List.of(c.a()), "dispute:1:", won);
        String before = tableCounts();

        assertThatIllegalArgumentException()
                .as("another grant's clawbacks")
                .isThrownBy(() -> giveBack(c.user(), 100, List.of(c.b()), "dispute:1:", won))
                .withMessageContaining(won);
        assertThatIllegalArgumentException()
                .as("more grants' clawbacks")
                .isThrownBy(() -> giveBack(c.user(), 100, List.of(c.a(), c.b()), "dispute:1:", won));
        assertThatIllegalArgumentException()
                .as("nothing clawed back")
                .isThrownBy(() -> giveBack(c.user(), 100, List.of(), "dispute:1:", won));
        assertThatIllegalArgumentException()
                .as("another movement's clawbacks of the same grant")
                .isThrownBy(() -> giveBack(c.user(), 100, List.of(c.a()), "refund:", won));
        assertThatIllegalArgumentException()
                .as("every clawback of the grant")
                .isThrownBy(() -> giveBack(c.user(), 100, List.of(c.a()), "", won));
        assertThatIllegalArgumentException()
                .as("another amount")
                .isThrownBy(() -> giveBack(c.user(), 50, List.of(c.a()), "dispute:1:", won));
        assertThatIllegalArgumentException()
                .as("another user")
                .isThrownBy(() -> giveBack(newUser(), 100, List.of(c.a()), "dispute:1:", won));
        assertThatIllegalArgumentException()
                .as("an ordinary grant: it reverses nothing")
                .isThrownBy(() -> ledger.grant(c.user(), 100, GrantSource.PURCHASE, won, null, "pack"));
        assertThat(tableCounts()).isEqualTo(before);
        assertThat(ledger.balance(c.user())).as("b's clawback still stands").isEqualTo(new Balance(0, 0, 100));
    }

    @Test
    void anOrdinaryGrantsKeyReusedForAGiveBackIsABugAndWritesNothing() {
        Clawed c = disputed();
        String key = key("grant");
        ledger.grant(c.user(), 100, GrantSource.PURCHASE, key, null, "pack");
        String before = tableCounts();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> giveBack(c.user(), 100, List.of(c.a()), "dispute:1:", key));
        assertThat(tableCounts()).isEqualTo(before);
        assertThat(ledger.grant(c.user(), 100, GrantSource.PURCHASE, key, null, "pack"))
                .isInstanceOf(GrantResult.AlreadyGranted.class);
    }

    /**
     * A give-back recorded before the ledger stored what give-backs reverse (V2026_12_23_0310) is
     * compared on its user and amount only, as every give-back was then: what it reversed is not
     * known, so a repeat is answered as the first.
     */
    @Test
    void aGiveBackRecordedBeforeTheLedgerKeptWhatItReversesIsComparedOnUserAndAmount() {
        Clawed c = disputed();
        String won = key("won");
        giveBack(c.user(), 100, List.of(c.a()), "dispute:1:", won);
        jdbc.sql("update credit_grant set reverses_grants = null, reverses_prefix = null where grant_key = :key")
                .param("key", won)
                .update();

        assertThat(giveBack(c.user(), 100, List.of(c.b()), "", won).grant())
                .isInstanceOf(GrantResult.AlreadyGranted.class);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> giveBack(c.user(), 60, List.of(c.a()), "dispute:1:", won));
    }
}
