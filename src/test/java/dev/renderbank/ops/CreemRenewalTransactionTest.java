package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.ChangedCatalog;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * A Creem {@code subscription.paid} whose subscription names its last transaction by id only ({@code
 * last_transaction_id}, as Creem's published sample does, with no {@code last_transaction} object) is
 * judged on that transaction as Creem reports it ({@code GET /v1/transactions?transaction_id=}, asked
 * before the event's database transaction): the credits and the amount recorded are the charge's,
 * never the catalogue's price on a guess. Creem out of reach: nothing is granted, the event is kept
 * and retried, and granted once when Creem answers.
 */
class CreemRenewalTransactionTest extends ReconcileIntegrationTest {

    private static final String PRODUCT = "prod_local_pro-monthly";

    @Autowired
    ApplicationContext context;

    @Autowired
    CheckoutStore checkoutStore;

    @Autowired
    ProductCatalog catalog;

    /** A buyer, a Creem subscription id and the checkout renderbank opened for it (its offer recorded). */
    private record Sold(UserAccount buyer, String sub, String checkout, Instant start, Instant end) {}

    private Sold sold() {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer = users.create("renewal-txn-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String checkout = "chk_txn_" + n;
        checkoutStore.insertPending(
                checkout, buyer.id(), catalog.product("pro-monthly").orElseThrow(), "creem", null, clock.instant());
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new Sold(
                buyer,
                "sub_" + n,
                checkout,
                start,
                start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
    }

    /** A {@code subscription.paid} object as Creem's sample has it: the transaction named by id only. */
    private static String paidNamingTransaction(Sold s, String product, String txn) {
        return """
                {"id":"%1$s","object":"subscription","status":"active",
                 "product":{"id":"%2$s"},"customer":{"email":"%3$s"},
                 "collection_method":"charge_automatically","last_transaction_id":"%4$s",
                 "current_period_start_date":"%5$s","current_period_end_date":"%6$s",
                 "metadata":{"userId":"%7$d","product":"pro-monthly","checkoutId":"%8$s"}}""".formatted(
                        s.sub(),
                        product,
                        s.buyer().email(),
                        txn,
                        s.start(),
                        s.end(),
                        s.buyer().id(),
                        s.checkout());
    }

    /** Creem's transaction {@code txn} (fields of Creem's "Get a transaction by ID"). */
    private static void creemTransaction(String txn, String sub, long amount, long paid, long tax, String currency) {
        CREEM.stubFor(get(urlPathEqualTo("/v1/transactions"))
                .withQueryParam("transaction_id", equalTo(txn))
                .willReturn(json("""
                        {"id":"%s","mode":"test","object":"transaction","amount":%d,"amount_paid":%d,
                         "discount_amount":%d,"tax_amount":%d,"currency":"%s","type":"payment","status":"paid",
                         "subscription":"%s","created_at":1728734325927}""".formatted(txn, amount, paid, amount - (paid - tax), tax, currency, sub))));
    }

    private record Period(long credits, Long priceMinor, String currency) {}

    private Period period(Sold s) {
        return jdbc.sql("select monthly_credits, price_minor, currency from billing_subscription_period"
                        + " where provider = 'creem' and subscription_id = :s")
                .param("s", s.sub())
                .query((rs, i) -> new Period(
                        rs.getLong("monthly_credits"), (Long) rs.getObject("price_minor"), rs.getString("currency")))
                .single();
    }

    private long paidAmount(Sold s) {
        return jdbc.sql("select b.amount_minor from billing_purchase b join billing_subscription_period p"
                        + " on p.purchase_id = b.id where p.provider = 'creem' and p.subscription_id = :s")
                .param("s", s.sub())
                .query(Long.class)
                .single();
    }

    private long available(UserAccount u) {
        return ledger.balance(u.id()).available();
    }

    /**
     * pro-monthly sold at 500 credits for $19.90 under product A; the operator moved it to 700 credits
     * at $24.90 under product B (A earlier) and the subscription to B at Creem with a discount down to
     * $19.90 (plus VAT). The event names its transaction by id only: fetched, it shows $19.90 before tax,
     * so the renewal gets the 500 it was sold with and records $19.90; not B's 700 at $24.90.
     */
    @Test
    void aRenewalNamingItsTransactionByIdOnlyIsJudgedOnTheTransactionCreemReports() throws Exception {
        Sold s = sold();
        String txn = "tran_" + UUID.randomUUID().toString().replace("-", "");
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.credits", "700",
                        "renderbank.catalog.plans.pro-monthly.price-minor", "2490",
                        "renderbank.catalog.plans.pro-monthly.creem-product-id", "prod_moved_pro-monthly",
                        "renderbank.catalog.plans.pro-monthly.creem-earlier-product-ids", PRODUCT))) {
            creemTransaction(txn, s.sub(), 2490, 2408, 418, "USD");
            String eventId = "evt_txn_" + UUID.randomUUID();
            assertThat(creemWebhook(
                                    eventId,
                                    "subscription.paid",
                                    paidNamingTransaction(s, "prod_moved_pro-monthly", txn))
                            .statusCode())
                    .isEqualTo(200);

            assertThat(stored("creem", eventId).status())
                    .as(stored("creem", eventId).lastError())
                    .isEqualTo("PROCESSED");
            assertThat(available(s.buyer()))
                    .as("charged the offer's $19.90 before tax: the 500 sold, not the moved plan's 700")
                    .isEqualTo(500);
            assertThat(period(s)).isEqualTo(new Period(500, 1990L, "USD"));
            assertThat(paidAmount(s)).as("what was paid, tax included").isEqualTo(2408);
            CREEM.verify(
                    getRequestedFor(urlPathEqualTo("/v1/transactions")).withQueryParam("transaction_id", equalTo(txn)));
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Creem's API down when the event arrives: nothing is granted on the catalogue's price, the event is
     * kept FAILED for a retry and the operators are told; once Creem answers, a retry grants it once.
     */
    @Test
    void creemOutOfReachGrantsNothingAndARetryGrantsOnceWhenItAnswers() throws Exception {
        Sold s = sold();
        String txn = "tran_" + UUID.randomUUID().toString().replace("-", "");
        CREEM.stubFor(get(urlPathEqualTo("/v1/transactions"))
                .withQueryParam("transaction_id", equalTo(txn))
                .willReturn(aResponse().withStatus(503)));
        String eventId = "evt_down_" + UUID.randomUUID();
        assertThat(creemWebhook(eventId, "subscription.paid", paidNamingTransaction(s, PRODUCT, txn))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent failed = stored("creem", eventId);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.parked()).as("retried: a next attempt is scheduled").isFalse();
        assertThat(failed.lastError()).contains(txn);
        assertThat(available(s.buyer())).as("nothing granted on a guess").isZero();
        assertThat(alerts.recent(1000).stream()
                        .anyMatch(a -> a.kind().equals("billing.webhook.failed")
                                && a.message().startsWith("Payment webhook " + failed.id() + " ")))
                .as("the operators are told")
                .isTrue();

        creemTransaction(txn, s.sub(), 1990, 1990, 0, "USD");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    clock.advance(Duration.ofSeconds(31));
                    return stored("creem", eventId).status().equals("PROCESSED");
                });
        assertThat(available(s.buyer())).isEqualTo(500);
        assertThat(period(s)).isEqualTo(new Period(500, 1990L, "USD"));

        // delivered again by Creem (its own retries) after it was granted: still once
        assertThat(creemWebhook(eventId, "subscription.paid", paidNamingTransaction(s, PRODUCT, txn))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(s.buyer())).isEqualTo(500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** The same event delivered several times at once, and under another event id too: one grant. */
    @Test
    void theSameRenewalDeliveredConcurrentlyGrantsOnce() throws Exception {
        Sold s = sold();
        String txn = "tran_" + UUID.randomUUID().toString().replace("-", "");
        creemTransaction(txn, s.sub(), 1990, 1990, 0, "USD");
        String eventId = "evt_twice_" + UUID.randomUUID();
        String object = paidNamingTransaction(s, PRODUCT, txn);
        int deliveries = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(deliveries);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < deliveries; i++) {
                String id = i == deliveries - 1 ? eventId + "_resent" : eventId;
                sent.add(pool.submit(() -> {
                    go.await();
                    return creemWebhook(id, "subscription.paid", object).statusCode();
                }));
            }
            go.countDown();
            for (Future<Integer> f : sent) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    clock.advance(Duration.ofMinutes(2));
                    return stored("creem", eventId).status().equals("PROCESSED")
                            && !stored("creem", eventId + "_resent").status().equals("FAILED");
                });
        assertThat(available(s.buyer())).isEqualTo(500);
        assertThat(jdbc.sql("select count(*) from billing_subscription_period where subscription_id = :s")
                        .param("s", s.sub())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A renewal charged in another currency than the plan was sold in: its amount says nothing of the
     * offer's price, so nothing is granted on it; the event is parked for an operator, its error naming
     * both currencies.
     */
    @Test
    void aRenewalChargedInAnotherCurrencyThanSoldIsParkedNotGranted() throws Exception {
        Sold s = sold();
        String txn = "tran_" + UUID.randomUUID().toString().replace("-", "");
        creemTransaction(txn, s.sub(), 1990, 1990, 0, "EUR");
        String eventId = "evt_eur_" + UUID.randomUUID();
        assertThat(creemWebhook(eventId, "subscription.paid", paidNamingTransaction(s, PRODUCT, txn))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent parked = awaitParked("creem", eventId);
        assertThat(parked.lastError()).contains("EUR").contains("USD").contains(s.sub());
        assertThat(parkedAlerts(parked.id())).hasSize(1);
        assertThat(available(s.buyer())).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Creem answers that it has no such transaction (404): what the renewal charged is unknown, and
     * retrying is unlikely to change it, so nothing is granted and the event is parked for an operator.
     */
    @Test
    void aRenewalWhoseTransactionCreemDoesNotHaveIsParkedNotGranted() throws Exception {
        Sold s = sold();
        String txn = "tran_" + UUID.randomUUID().toString().replace("-", "");
        CREEM.stubFor(get(urlPathEqualTo("/v1/transactions"))
                .withQueryParam("transaction_id", equalTo(txn))
                .willReturn(aResponse().withStatus(404)));
        String eventId = "evt_none_" + UUID.randomUUID();
        assertThat(creemWebhook(eventId, "subscription.paid", paidNamingTransaction(s, PRODUCT, txn))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent parked = awaitParked("creem", eventId);
        assertThat(parked.lastError()).contains(txn).contains("nothing was granted");
        assertThat(parkedAlerts(parked.id())).hasSize(1);
        assertThat(available(s.buyer())).isZero();
    }
}
