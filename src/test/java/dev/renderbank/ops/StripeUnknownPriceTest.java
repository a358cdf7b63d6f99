package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.ChangedCatalog;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * A Stripe {@code invoice.paid} of renderbank's subscription that charges a price no pack or plan of
 * the catalogue has as its {@code stripe-price-id} (the plan switched at Stripe to a price nobody
 * configured) cannot be granted until an operator configures it: it waits through the retry schedule
 * once, then is kept FAILED for an operator, no longer retried, and raised once, its error naming the
 * price to configure; not retried every 6 hours for ever. Nothing is granted for it meanwhile.
 *
 * <p>Stripe prices cannot be changed: a plan's price rise is a new price id, while the subscriptions
 * sold before keep renewing at the old one. The plan names the old one among its earlier price ids,
 * which still map renewals to it but are never used for a new checkout.
 */
class StripeUnknownPriceTest extends ReconcileIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aRenewalAtAnUnknownPriceIsParkedNamingThePrice() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer = users.create("unknown-price-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String sub = "sub_" + n;
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end1 = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant end2 = end1.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(stripeWebhook(
                                "evt_first_" + n,
                                "invoice.paid",
                                invoice(sub, buyer.id(), "price_local_pro-monthly", start, end1, "subscription_create"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available())
                .as("the first month of the configured plan")
                .isEqualTo(500);

        String price = "price_unconfigured_" + n;
        String eventId = "evt_cycle_" + n;
        assertThat(stripeWebhook(
                                eventId,
                                "invoice.paid",
                                invoice(sub, buyer.id(), price, end1, end2, "subscription_cycle"))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent parked = awaitParked("stripe", eventId);
        assertThat(parked.lastError())
                .as("the stored error names the price to configure and the key")
                .contains(price)
                .contains("stripe-price-id")
                .as("and the key that keeps an earlier price of a plan mapped to it")
                .contains("renderbank.catalog.plans.<id>.stripe-earlier-price-ids");
        assertThat(parkedAlerts(parked.id()))
                .as("operators are told once that it is no longer retried")
                .hasSize(1);
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing granted for a price renderbank does not know")
                .isEqualTo(500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * pro-monthly's price rises: a new Stripe price for new subscribers, the old one kept as an earlier
     * price. A subscriber's renewal at the old price is granted its plan's month; new checkouts use the
     * new price only, and a subscription at the new price is granted the same plan.
     */
    @Test
    void aRenewalAtAnEarlierPriceOfAPlanIsGrantedAfterThePlansPriceChanged() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer = users.create("earlier-price-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String sub = "sub_" + n;
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end1 = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant end2 = end1.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(stripeWebhook(
                                "evt_first_" + n,
                                "invoice.paid",
                                invoice(sub, buyer.id(), "price_local_pro-monthly", start, end1, "subscription_create"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);

        String newPrice = "price_new_" + n;
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.stripe-price-id",
                        newPrice,
                        "renderbank.catalog.plans.pro-monthly.stripe-earlier-price-ids",
                        "price_local_pro-monthly"))) {
            assertThat(changed.catalog().product("pro-monthly").orElseThrow().stripePriceId())
                    .as("what a new checkout charges")
                    .isEqualTo(newPrice);
            String renewal = "evt_cycle_" + n;
            assertThat(stripeWebhook(
                                    renewal,
                                    "invoice.paid",
                                    invoice(
                                            sub,
                                            buyer.id(),
                                            "price_local_pro-monthly",
                                            end1,
                                            end2,
                                            "subscription_cycle"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(stored("stripe", renewal).status())
                    .as(stored("stripe", renewal).lastError())
                    .isEqualTo("PROCESSED");
            assertThat(ledger.balance(buyer.id()).available())
                    .as("the renewal at the earlier price grants pro-monthly's month")
                    .isEqualTo(1000);

            UserAccount later = users.create("new-price-" + n + "@test.local", "a-long-password-123", Role.USER, true);
            assertThat(stripeWebhook(
                                    "evt_new_" + n,
                                    "invoice.paid",
                                    invoice("sub_new_" + n, later.id(), newPrice, start, end1, "subscription_create"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(ledger.balance(later.id()).available()).isEqualTo(500);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A paid invoice of {@code sub}'s period at {@code price} (1990 minor units), as Stripe's API (2025+) sends it. */
    private static String invoice(String sub, long userId, String price, Instant start, Instant end, String reason) {
        String id = "in_" + UUID.randomUUID().toString().replace("-", "");
        return """
                {"id":"%1$s","object":"invoice","status":"paid","amount_paid":1990,"total":1990,"subtotal":1990,
                 "currency":"usd","billing_reason":"%2$s","created":%3$d,
                 "customer_email":"nobody@example.com","period_start":%3$d,"period_end":%3$d,
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"%4$s",
                   "metadata":{"userId":"%5$d"}}},
                 "lines":{"object":"list","data":[{"id":"il_%1$s","object":"line_item","amount":1990,
                   "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%4$s","proration":false}},
                   "pricing":{"type":"price_details","price_details":{"price":"%6$s","product":"prod_x"}},
                   "period":{"start":%3$d,"end":%7$d}}]}}""".formatted(id, reason, start.getEpochSecond(), sub, userId, price, end.getEpochSecond());
    }
}
