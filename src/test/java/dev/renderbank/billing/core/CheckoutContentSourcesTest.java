package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.billing.CheckoutOrigins;
import dev.renderbank.billing.PaymentsProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The pages' CSP form-action names the checkout's origin of the provider new checkouts go to (the
 * buy button's redirect is stopped otherwise), bound from renderbank.payments.*.checkout-origins,
 * whose values must be origins.
 */
class CheckoutContentSourcesTest {

    private static PaymentsProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("renderbank.payments", PaymentsProperties.class);
    }

    private static List<String> formActions(Map<String, String> values) {
        return new CheckoutContentSources(bind(values), null).formActions();
    }

    @Test
    void stripeAndCreemCheckoutsAreAllowedAsFormTargetsByDefault() {
        assertThat(formActions(Map.of("renderbank.payments.provider", "stripe")))
                .containsExactly("https://checkout.stripe.com");
        assertThat(formActions(Map.of("renderbank.payments.provider", "CREEM")))
                .containsExactly("https://creem.io", "https://*.creem.io");
        assertThat(formActions(Map.of(
                        "renderbank.payments.provider", "stripe",
                        "renderbank.payments.stripe.checkout-origins", "https://pay.example.com")))
                .as("a custom checkout domain")
                .containsExactly("https://pay.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://checkout.stripe.com/pay", "checkout.stripe.com", "http://pay.example.com", " "})
    void aCheckoutOriginThatIsNotAnOriginStopsTheStart(String origin) {
        assertThatThrownBy(() -> bind(Map.of("renderbank.payments.stripe.checkout-origins", origin)))
                .hasStackTraceContaining("renderbank.payments.stripe.checkout-origins");
    }

    @Test
    void aCheckoutUrlIsCoveredByItsOriginOrAWildcardOfItsHost() {
        List<String> creem = List.of("https://creem.io", "https://*.creem.io");
        assertThat(CheckoutOrigins.covers(creem, "https://www.creem.io/test/checkout/prod_1/ch_1"))
                .isTrue();
        assertThat(CheckoutOrigins.covers(creem, "https://creem.io/checkout/ch_1"))
                .isTrue();
        assertThat(CheckoutOrigins.covers(creem, "https://evilcreem.io/checkout"))
                .isFalse();
        assertThat(CheckoutOrigins.covers(creem, "http://www.creem.io/checkout"))
                .isFalse();
        assertThat(CheckoutOrigins.covers(
                        List.of("https://checkout.stripe.com"), "https://checkout.stripe.com:443/c/pay/cs_1"))
                .isTrue();
        assertThat(CheckoutOrigins.covers(List.of("http://localhost:8080"), "http://localhost:8081/checkout"))
                .isFalse();
    }
}
