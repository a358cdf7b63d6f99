package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A payment provider's product or price id names the product a webhook pays for (Creem's
 * {@code subscription.paid} and Stripe's invoices carry nothing else), so each id may name one
 * product only, and a product id one pack or one plan: otherwise the first match wins and a buyer of
 * one product is granted another's credits.
 */
class ProductCatalogIdsTest {

    private static ProductCatalog.Entry creem(String creemProductId) {
        return new ProductCatalog.Entry(null, null, null, null, creemProductId, null, null, null);
    }

    private static ProductCatalog.Entry stripe(String stripePriceId) {
        return new ProductCatalog.Entry(null, null, null, null, null, stripePriceId, null, null);
    }

    @Test
    void twoPlansWithOneCreemProductIdAreRefused() {
        // proplus-monthly (34.90, 900 credits) paid at Creem would be granted pro-monthly's 500
        var plans = Map.of("pro-monthly", creem("prod_live_plan"), "proplus-monthly", creem("prod_live_plan"));

        assertThatThrownBy(() -> new ProductCatalog(null, plans, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prod_live_plan");
    }

    @Test
    void aPackAndAPlanWithOneStripePriceIdAreRefused() {
        assertThatThrownBy(() -> new ProductCatalog(
                        Map.of("pack-200", stripe("price_live_1")), Map.of("pro-yearly", stripe("price_live_1")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("price_live_1");
    }

    @Test
    void aProductIdThatIsBothAPackAndAPlanIsRefused() {
        var pack = new ProductCatalog.Entry(500L, 1990L, "USD", null, "prod_live_p", "price_live_p", null, null);

        assertThatThrownBy(() -> new ProductCatalog(Map.of("pro-monthly", pack), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pro-monthly");
    }

    @Test
    void distinctIdsAreKept() {
        var catalog = new ProductCatalog(
                Map.of("pack-200", creem("prod_live_200")), Map.of("pro-monthly", creem("prod_live_pro")), null);

        assertThat(catalog.byCreemProductId("prod_live_pro").map(Product::id)).hasValue("pro-monthly");
        assertThat(catalog.byCreemProductId("prod_live_200").map(Product::id)).hasValue("pack-200");
    }

    private static ProductCatalog.Entry stripe(String stripePriceId, String... earlier) {
        return new ProductCatalog.Entry(null, null, null, null, null, stripePriceId, null, List.of(earlier));
    }

    private static ProductCatalog.Entry creem(String creemProductId, String... earlier) {
        return new ProductCatalog.Entry(null, null, null, null, creemProductId, null, List.of(earlier), null);
    }

    /**
     * A plan's earlier prices (its subscribers sold before a price change renew at them) map webhooks
     * to it; new checkouts charge its current price only.
     */
    @Test
    void earlierProviderIdsMapToTheirProductButAreNotSold() {
        var catalog = new ProductCatalog(
                null,
                Map.of(
                        "pro-monthly",
                        stripe("price_live_new", "price_live_old", " price_live_older ", ""),
                        "proplus-monthly",
                        creem("prod_live_new", "prod_live_old")),
                null);

        assertThat(catalog.byStripePriceId("price_live_old").map(Product::id)).hasValue("pro-monthly");
        assertThat(catalog.byStripePriceId("price_live_older").map(Product::id)).hasValue("pro-monthly");
        assertThat(catalog.byStripePriceId("price_live_new").map(Product::id)).hasValue("pro-monthly");
        assertThat(catalog.byStripePriceId("")).isEmpty();
        assertThat(catalog.byCreemProductId("prod_live_old").map(Product::id)).hasValue("proplus-monthly");
        assertThat(catalog.product("pro-monthly").orElseThrow().stripePriceId()).isEqualTo("price_live_new");
        assertThat(catalog.product("proplus-monthly").orElseThrow().creemProductId())
                .isEqualTo("prod_live_new");
    }

    @Test
    void anEarlierPriceThatIsAnotherProductsPriceIsRefused() {
        // a pro-monthly invoice at price_live_a would grant proplus-monthly's 900 credits, or the other way
        assertThatThrownBy(() -> new ProductCatalog(
                        null,
                        Map.of(
                                "pro-monthly", stripe("price_live_a"),
                                "proplus-monthly", stripe("price_live_b", "price_live_a")),
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("price_live_a")
                .hasMessageContaining("stripe-earlier-price-ids");
        assertThatThrownBy(() -> new ProductCatalog(
                        Map.of("pack-200", creem("prod_live_p", "prod_live_old")),
                        Map.of("pro-monthly", creem("prod_live_q", "prod_live_old")),
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prod_live_old");
    }

    @Test
    void aProductMayListItsOwnCurrentIdAmongItsEarlierOnes() {
        var catalog = new ProductCatalog(null, Map.of("pro-monthly", stripe("price_live_a", "price_live_a")), null);

        assertThat(catalog.byStripePriceId("price_live_a").map(Product::id)).hasValue("pro-monthly");
    }
}
