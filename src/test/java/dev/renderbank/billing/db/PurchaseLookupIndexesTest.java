package dev.renderbank.billing.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A purchase's provider ids, refunds and disputes are found by its id through an index, not by
 * scanning their tables: reconciliation reads the ids of up to 500 purchases per run, and a refund or
 * dispute webhook reads the purchase's refunds and disputes while it holds the purchase's row locked.
 * Checked on tables of tens of thousands of rows (analysed), by the sequential scans PostgreSQL counts
 * in the transaction ({@code pg_stat_xact_user_tables}) while the stores' own statements run; the rows
 * are rolled back.
 */
class PurchaseLookupIndexesTest extends IntegrationTest {

    static final List<String> TABLES =
            List.of("billing_purchase", "billing_purchase_ref", "billing_refund", "billing_dispute");

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    PurchaseChargeStore charges;

    @Autowired
    PurchaseRefStore refs;

    @Autowired
    RefundStore refunds;

    @Test
    void aPurchasesIdsRefundsAndDisputesAreReadThroughIndexes() {
        tx.executeWithoutResult(status -> {
            status.setRollbackOnly();
            long purchase = manyPurchases();

            Map<String, Long> before = seqScans();
            List<PurchaseChargeStore.Recorded> recent =
                    charges.recordedSince("creem", clock.instant().minus(Duration.ofDays(30)), 500);
            Map<String, Long> listed = seqScans();
            boolean otherIds = refs.recordsOtherIds("creem", purchase, "lookup-idx:", List.of("other"));
            long movements = refunds.count("creem", purchase);
            boolean second = refunds.movement("creem", purchase, 2).isPresent();
            long takenBack = refunds.takenBackOfCharge("creem", purchase, 990);
            charges.markOpenDisputes(purchase);
            Map<String, Long> read = seqScans();

            assertThat(recent).hasSize(500);
            assertThat(recent)
                    .filteredOn(r -> r.key().equals("lookup-idx:2"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.refs()).hasSize(3);
                        assertThat(r.anyDispute()).isTrue();
                    });
            assertThat(List.of(otherIds, movements, second, takenBack)).containsExactly(true, 1L, false, 100L);
            SoftAssertions.assertSoftly(soft -> {
                soft.assertThat(delta(before, listed))
                        .as("sequential scans listing 500 recent purchases with their ids and disputes"
                                + " (billing_dispute: once at most, hashed, never per purchase)")
                        .containsEntry("billing_purchase", 0L)
                        .containsEntry("billing_purchase_ref", 0L)
                        .hasEntrySatisfying(
                                "billing_dispute", n -> assertThat(n).isLessThanOrEqualTo(1L));
                soft.assertThat(delta(listed, read))
                        .as("sequential scans reading one purchase's ids, refunds and disputes")
                        .containsExactlyInAnyOrderEntriesOf(Map.of(
                                "billing_purchase", 0L,
                                "billing_purchase_ref", 0L,
                                "billing_refund", 0L,
                                "billing_dispute", 0L));
            });
        });
    }

    /**
     * 20,000 purchases of two providers over the last two weeks, each with three ids, a refund and a
     * dispute won; the tables analysed. Returns one creem purchase's id.
     */
    private long manyPurchases() {
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, created_at)
                        select 'lookup-idx:' || g, case when g % 2 = 0 then 'creem' else 'stripe' end, 1,
                               'pack-500', 500, 990, 'USD', cast(:now as timestamptz) - g * interval '1 minute'
                          from generate_series(1, 20000) g""").param("now", java.sql.Timestamp.from(now)).update();
        jdbc.sql("""
                        insert into billing_purchase_ref (provider, ref, purchase_id)
                        select p.provider, 'lookup-idx-' || p.id || '-' || k, p.id
                          from billing_purchase p cross join generate_series(1, 3) k
                         where p.purchase_key like 'lookup-idx:%'""").update();
        jdbc.sql("""
                        insert into billing_refund (provider, refund_id, purchase_id, cumulative, refund_minor,
                                                    charge_minor, created_at)
                        select provider, 'lookup-idx-re-' || id, id, 100, 100, 990, created_at
                          from billing_purchase where purchase_key like 'lookup-idx:%'""").update();
        jdbc.sql("""
                        insert into billing_dispute (provider, dispute_id, purchase_id, status, amount_minor, created_at)
                        select provider, 'lookup-idx-dp-' || id, id, 'WON', 990, created_at
                          from billing_purchase where purchase_key like 'lookup-idx:%'""").update();
        jdbc.sql("analyze billing_purchase, billing_purchase_ref, billing_refund, billing_dispute")
                .update();
        return jdbc.sql("select id from billing_purchase where purchase_key = 'lookup-idx:2'")
                .query(Long.class)
                .single();
    }

    /** Sequential scans of the tables so far in this transaction. */
    private Map<String, Long> seqScans() {
        Map<String, Long> scans = new LinkedHashMap<>();
        for (String table : TABLES) {
            scans.put(
                    table,
                    jdbc.sql("select pg_stat_get_xact_numscans(cast(:t as regclass))")
                            .param("t", table)
                            .query(Long.class)
                            .single());
        }
        return scans;
    }

    private static Map<String, Long> delta(Map<String, Long> from, Map<String, Long> to) {
        Map<String, Long> delta = new LinkedHashMap<>();
        to.forEach((table, n) -> delta.put(table, n - from.get(table)));
        return delta;
    }
}
