package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.billing.CreditPrice;
import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The margins page: provider cost per priced option (jobs the provider was paid for, failed ones
 * included) next to credits charged and their money value; unconfigured by default and says so.
 * The jobs are planted on days in 2001, which no other test uses.
 */
class AdminMarginsTest extends IntegrationTest {

    static final LocalDate DAY1 = LocalDate.of(2001, 3, 1);
    static final LocalDate DAY2 = LocalDate.of(2001, 3, 2);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AdminSupport admins;

    @Autowired
    OperatorJobs jobs;

    @Autowired
    OperatorBilling billing;

    @Autowired
    Catalog catalog;

    @BeforeEach
    void plantJobs() {
        jdbc.sql("delete from generation_job where created_at < '2002-01-01'").update();
        // DAY1: a 1K nano-banana-pro that succeeded (22 charged), a 4K one that failed at the provider
        // (paid, nothing charged), a 1K one that failed before reaching it (no cost); an sd job
        plant(
                DAY1,
                "IMAGE",
                "nano-banana-pro",
                "{\"resolution\":\"1K\",\"outputFormat\":\"png\"}",
                "SUCCEEDED",
                true,
                22);
        plant(DAY1, "IMAGE", "nano-banana-pro", "{\"resolution\":\"4K\",\"outputFormat\":\"png\"}", "FAILED", true, 0);
        plant(DAY1, "IMAGE", "nano-banana-pro", "{\"resolution\":\"1K\",\"outputFormat\":\"png\"}", "FAILED", false, 0);
        plant(DAY1, "IMAGE", "sd", "{\"resolution\":\"1K\",\"outputFormat\":\"png\"}", "SUCCEEDED", true, 5);
        // DAY2: a 10 s 720p sora-2 video (25 charged)
        plant(
                DAY2,
                "VIDEO",
                "sora-2",
                "{\"resolution\":\"720p\",\"aspectRatio\":\"landscape\",\"durationSeconds\":10}",
                "SUCCEEDED",
                true,
                25);
    }

    private void plant(
            LocalDate day, String type, String model, String options, String state, boolean atProvider, long charged) {
        String id = "mrg-" + UUID.randomUUID();
        Timestamp at = Timestamp.from(day.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC));
        jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model, provider_input,
                               price, state, provider_task_id, callback_token, credits_charged, created_at, updated_at, deadline_at)
                        values (:id, 1, :type, :model, 'p', :options, :model, '{}', 30, :state, :task, 'cb', :charged, :at, :at, :at)""")
                .param("id", id)
                .param("type", type)
                .param("model", model)
                .param("options", options)
                .param("state", state)
                .param("task", atProvider ? "task-" + id : null)
                .param("charged", charged)
                .param("at", at)
                .update();
    }

    private Margins margins(Map<String, Map<String, BigDecimal>> cost, Long per1000) {
        return new Margins(new MarginsProperties(cost, per1000), jobs, billing, catalog);
    }

    @Test
    void providerCostIsPricedPerOptionAndAJobThatFailedAfterTheProviderWasPaidCounts() {
        Margins m = margins(
                Map.of(
                        "nano-banana-pro", Map.of("1K", new BigDecimal("18"), "4K", new BigDecimal("24")),
                        "sora-2", Map.of("720p-10", new BigDecimal("30")),
                        "sd", Map.of("default", new BigDecimal("4"))),
                500L);
        MarginsReport r = m.report(DAY1, DAY2);
        assertThat(r.configured()).isTrue();
        assertThat(r.unpriced()).isEmpty();

        var pro = r.perModel().stream()
                .filter(l -> l.model().equals("nano-banana-pro"))
                .findFirst()
                .orElseThrow();
        assertThat(pro.providerPaidJobs()).isEqualTo(2);
        assertThat(pro.failedAfterPaid()).isEqualTo(1);
        assertThat(pro.providerCredits()).isEqualByComparingTo("42"); // 18 (1K) + 24 (4K, failed after paid)
        assertThat(pro.costMinor()).isEqualTo(21); // 42 provider credits at 500 per 1,000
        assertThat(pro.creditsCharged()).isEqualTo(22);

        assertThat(r.perDay())
                .extracting(l -> l.day() + " " + l.model())
                .containsExactly("2001-03-01 nano-banana-pro", "2001-03-01 sd", "2001-03-02 sora-2");
        assertThat(r.total().providerCredits()).isEqualByComparingTo("76"); // 42 + 4 + 30
        assertThat(r.total().costMinor()).isEqualTo(38);
        assertThat(r.total().creditsCharged()).isEqualTo(52);

        CreditPrice price = billing.averageCreditPrice().orElse(null);
        if (price != null) { // the money value of the credits charged, at the average price paid
            long revenue = price.perCreditMinor()
                    .multiply(BigDecimal.valueOf(52))
                    .setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact();
            assertThat(r.total().revenueMinor()).isEqualTo(revenue);
            assertThat(r.total().marginMinor()).isEqualTo(revenue - 38);
        }
    }

    /**
     * The price per credit is money kept: a pack bought, spent and refunded in full, or charged back,
     * earned nothing, and a half refund kept half; a period paid half from the customer's Stripe
     * balance counts the half of its credits its charge paid for (the balance's money is counted with
     * the charge that left it).
     */
    @Test
    void theCreditPriceCountsTheMoneyKeptAfterRefundsAndChargebacks() {
        Optional<CreditPrice> before = billing.averageCreditPrice();
        String currency = before.map(CreditPrice::currency).orElse("USD");
        String prefix = "margins-kept-" + UUID.randomUUID() + ":";
        try {
            purchase(prefix + "refunded", currency, 1000, 4500, 4500, 0, 0);
            purchase(prefix + "charged-back", currency, 1000, 4500, 0, 4500, 0);
            purchase(prefix + "half-refunded", currency, 1000, 4000, 2000, 0, 0);
            purchase(prefix + "half-from-balance", currency, 500, 1000, 0, 0, 1000);
            CreditPrice after = billing.averageCreditPrice().orElseThrow();
            assertThat(after.currency()).isEqualTo(currency);
            assertThat(after.amountMinor())
                    .as("money kept: 0 + 0 + 2000 + 1000")
                    .isEqualTo(before.map(CreditPrice::amountMinor).orElse(0L) + 3000);
            assertThat(after.credits())
                    .as("credits sold: 1000 + 1000 + 1000 + half of 500")
                    .isEqualTo(before.map(CreditPrice::credits).orElse(0L) + 3250);
        } finally {
            jdbc.sql("delete from billing_purchase where starts_with(purchase_key, :prefix)")
                    .param("prefix", prefix)
                    .update();
        }
    }

    private void purchase(
            String key, String currency, long credits, long amount, long refunded, long disputed, long fromBalance) {
        jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                               currency, refunded_minor, disputed_minor, from_balance_minor, created_at)
                        values (:key, 'stripe', 1, 'pack-1000', :credits, :amount, :currency, :refunded, :disputed,
                                :fromBalance, now())""")
                .param("key", key)
                .param("credits", credits)
                .param("amount", amount)
                .param("currency", currency)
                .param("refunded", refunded)
                .param("disputed", disputed)
                .param("fromBalance", fromBalance)
                .update();
    }

    @Test
    void anOptionWithoutACostIsNamedAndLeavesTheTotalsCostUnknown() {
        MarginsReport r = margins(Map.of("nano-banana-pro", Map.of("1K", BigDecimal.TEN)), 500L)
                .report(DAY1, DAY2);
        assertThat(r.unpriced()).containsExactly("nano-banana-pro.4K", "sd.default", "sora-2.720p-10");
        assertThat(r.total().costMinor()).isNull();
        assertThat(r.total().marginMinor()).isNull();
    }

    /**
     * A model or option taken off sale keeps its history: its cost may still be configured (a WARN,
     * not a refused start) and prices the jobs accepted while it was sold. A key no model could have
     * (a typo) is still refused.
     */
    @Test
    void aCostForAModelOrOptionNoLongerOnSaleIsAcceptedAndPricesItsJobsButATypoIsRefused() {
        plant(DAY1, "VIDEO", "sora-2", "{\"resolution\":\"1080p\",\"durationSeconds\":15}", "SUCCEEDED", true, 300);
        plant(
                DAY1,
                "VIDEO",
                "retired-video",
                "{\"resolution\":\"720p\",\"durationSeconds\":10}",
                "SUCCEEDED",
                true,
                40);
        plant(DAY1, "IMAGE", "retired-image", "{\"resolution\":\"1K\",\"outputFormat\":\"png\"}", "SUCCEEDED", true, 6);
        MarginsReport r = margins(
                        Map.of(
                                "nano-banana-pro", Map.of("1K", BigDecimal.ONE, "4K", BigDecimal.ONE),
                                "sd", Map.of("default", BigDecimal.ONE),
                                "sora-2", Map.of("720p-10", BigDecimal.ONE, "1080p-15", new BigDecimal("200")),
                                "retired-video", Map.of("720p-10", new BigDecimal("35")),
                                "retired-image", Map.of("default", new BigDecimal("3"))),
                        500L)
                .report(DAY1, DAY2);
        assertThat(r.unpriced()).isEmpty();
        assertThat(r.total().providerCredits()).isEqualByComparingTo("242"); // 1 + 1 + 1 + 1 + 200 + 35 + 3

        assertThatThrownBy(() -> margins(Map.of("sora-2", Map.of("720p-20", BigDecimal.ONE)), 500L))
                .hasMessageContaining("renderbank.margins.cost.sora-2.720p-20");
        assertThatThrownBy(() -> margins(Map.of("nano-banana-pro", Map.of("4k", BigDecimal.ONE)), 500L))
                .hasMessageContaining("renderbank.margins.cost.nano-banana-pro.4k");
    }

    /**
     * What an account deletion left before it kept the pricing options ({@code options = '{}'}): the
     * report still answers, names those jobs' option {@code unknown}, and a cost for it prices them.
     */
    @Test
    void jobsWhoseOptionsWereErasedAreReportedAndCanBePriced() throws Exception {
        plant(DAY1, "IMAGE", "nano-banana-pro", "{}", "SUCCEEDED", true, 22);
        plant(DAY2, "VIDEO", "sora-2", "{}", "SUCCEEDED", true, 25);
        MarginsReport unconfigured = margins(Map.of(), null).report(DAY1, DAY2);
        assertThat(unconfigured.unpriced()).contains("nano-banana-pro.unknown", "sora-2.unknown");
        assertThat(unconfigured.total().creditsCharged()).isEqualTo(52 + 47);

        MarginsReport r = margins(
                        Map.of(
                                "nano-banana-pro",
                                        Map.of(
                                                "1K",
                                                new BigDecimal("18"),
                                                "4K",
                                                new BigDecimal("24"),
                                                "unknown",
                                                new BigDecimal("20")),
                                "sora-2", Map.of("720p-10", new BigDecimal("30"), "unknown", new BigDecimal("30")),
                                "sd", Map.of("default", new BigDecimal("4"))),
                        500L)
                .report(DAY1, DAY2);
        assertThat(r.unpriced()).isEmpty();
        assertThat(r.total().providerCredits()).isEqualByComparingTo("126"); // 76 + 20 + 30

        var admin = admins.newAdmin();
        var json = AdminSupport.call(
                port, "GET", "/api/v1/admin/margins?from=2001-03-01&to=2001-03-02", admin.token(), null, null);
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        var page = BrowserSession.signIn(port, admin.email(), "correct horse battery staple")
                .get("/admin/margins?from=2001-03-01&to=2001-03-02");
        assertThat(page.statusCode()).isEqualTo(200);
    }

    @Test
    void unconfiguredByDefaultAndThePageSaysSo() throws Exception {
        var admin = admins.newAdmin();
        var json = AdminSupport.call(
                port, "GET", "/api/v1/admin/margins?from=2001-03-01&to=2001-03-02", admin.token(), null, null);
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.shared().readTree(json.body());
        assertThat(body.get("configured").asBoolean()).isFalse();
        assertThat(body.get("total").get("creditsCharged").asLong()).isEqualTo(52);
        JsonNode cost = body.get("total").get("costMinor");
        assertThat(cost == null || cost.isNull()).as("cost unknown").isTrue();

        var page = BrowserSession.signIn(port, admin.email(), "correct horse battery staple")
                .get("/admin/margins?from=2001-03-01&to=2001-03-02");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Margins are not configured").contains("nano-banana-pro");
    }

    @Test
    void aBadRangeIsAProblemNamingTheField() {
        var admin = admins.newAdmin();
        var r = AdminSupport.call(
                port, "GET", "/api/v1/admin/margins?from=2001-03-02&to=2001-03-01", admin.token(), null, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("to");
        assertThat(AdminSupport.call(port, "GET", "/api/v1/admin/margins?from=yesterday", admin.token(), null, null)
                        .statusCode())
                .isEqualTo(400);
    }
}
