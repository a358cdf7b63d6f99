package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A price's currency must be an ISO 4217 code that Java knows ({@link java.util.Currency}): a
 * catalog priced in "usd1", "EURO" or a made-up three-letter code stops the start with a message
 * naming the product and the value, instead of checkouts and refunds in an unknown currency.
 */
class ProductCatalogCurrencyTest {

    @ParameterizedTest
    @ValueSource(strings = {"usd1", "EURO", "ABC", "XYZ", "US$", "", "XXX", "XAU"})
    void aPackPricedInACurrencyThatIsNoIsoCodeStopsTheStart(String currency) {
        assertThatThrownBy(() -> bind(Map.of("renderbank.catalog.packs.pack-200.currency", currency)))
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pack-200")
                .hasMessageContaining("ISO 4217")
                .hasMessageContaining("\"" + currency + "\"");
    }

    /**
     * Stripe counts ISK in hundredths (an amount of 100 is 1 kr) and MGA in whole ariary, where ISO
     * 4217 (and Java) count ISK in whole kronur and MGA in hundredths: every amount Stripe sends would
     * be shown 100 times off (or the buy page would), whatever price-minor says. Refused at the start.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ISK", "isk", "MGA"})
    void aCurrencyWhoseMinorUnitsStripeCountsOtherwiseStopsTheStart(String currency) {
        assertThatThrownBy(() -> bind(Map.of("renderbank.catalog.packs.pack-200.currency", currency)))
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pack-200")
                .hasMessageContaining("\"" + currency + "\"")
                .hasMessageContaining("Stripe");
    }

    @Test
    void aPlanPricedInAnUnknownCurrencyStopsTheStart() {
        assertThatThrownBy(() -> bind(Map.of("renderbank.catalog.plans.pro-monthly.currency", "EUD")))
                .rootCause()
                .hasMessageContaining("pro-monthly")
                .hasMessageContaining("\"EUD\"");
    }

    @Test
    void isoCodesInEitherCaseAreKeptUpperCase() {
        ProductCatalog catalog = bind(Map.of(
                "renderbank.catalog.packs.pack-200.currency", "eur",
                "renderbank.catalog.plans.pro-monthly.currency", "GBP"));

        assertThat(catalog.product("pack-200").orElseThrow().currency()).isEqualTo("EUR");
        assertThat(catalog.product("pro-monthly").orElseThrow().currency()).isEqualTo("GBP");
    }

    /**
     * The ledger grants at most 1,000,000,000 credits at once: a pack or plan of more would be paid
     * and its grant refused at every retry, so it stops the start, naming the product.
     */
    @Test
    void aProductOfMoreCreditsThanTheLedgerGrantsAtOnceStopsTheStart() {
        assertThatThrownBy(() -> bind(Map.of("renderbank.catalog.packs.pack-200.credits", "2000000000")))
                .rootCause()
                .hasMessageContaining("pack-200")
                .hasMessageContaining("at most 1000000000");
        assertThat(bind(Map.of("renderbank.catalog.packs.pack-200.credits", "1000000000"))
                        .product("pack-200")
                        .orElseThrow()
                        .credits())
                .isEqualTo(1_000_000_000L);
    }

    /** Binds {@code renderbank.catalog} as the application does at start. */
    private static ProductCatalog bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("renderbank.catalog", ProductCatalog.class);
    }
}
