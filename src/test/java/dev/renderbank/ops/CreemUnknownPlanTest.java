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
 * A Creem {@code subscription.paid} of a product no plan of the catalogue has as its {@code
 * creem-product-id} cannot be granted until an operator configures it: like a checkout of an unknown
 * product it waits through the retry schedule once, then is kept FAILED for an operator, no longer
 * retried, and raised once, its error naming the Creem product id to configure; not retried every
 * 6 hours for ever. A plan moved to another Creem product (a new price is a new product there) keeps
 * the old one as an earlier product id: its subscribers' renewals are still granted that plan.
 */
class CreemUnknownPlanTest extends ReconcileIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aRenewalOfAnUnknownPlanIsParkedNamingTheProduct() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        String creemProduct = "prod_unconfigured_plan_" + n;
        String eventId = "evt_sub_" + n;
        assertThat(creemWebhook(eventId, "subscription.paid", """
                        {"id":"sub_%1$s","object":"subscription","status":"active",
                         "product":{"id":"%2$s"},"customer":{"email":"plan-%1$s@test.local"},
                         "metadata":{"product":"pro-monthly"}}""".formatted(n, creemProduct))
                        .statusCode())
                .isEqualTo(200);

        StoredEvent parked = awaitParked("creem", eventId);
        assertThat(parked.lastError())
                .as("the stored error names the Creem product id to configure")
                .contains("unknown plan " + creemProduct)
                .contains("creem-product-id")
                .as("and the key that keeps an earlier product of a plan mapped to it")
                .contains("renderbank.catalog.plans.<id>.creem-earlier-product-ids");
        assertThat(parkedAlerts(parked.id()))
                .as("operators are told once that it is no longer retried")
                .hasSize(1);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aRenewalOfAnEarlierProductOfAPlanIsGrantedAfterThePlanMovedToAnotherProduct() throws Exception {
        String n = UUID.randomUUID().toString().replace("-", "");
        UserAccount buyer =
                users.create("earlier-product-" + n + "@test.local", "a-long-password-123", Role.USER, true);
        String sub = "sub_" + n;
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end1 = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant end2 = end1.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        assertThat(creemWebhook("evt_first_" + n, "subscription.paid", paid(sub, buyer, "tran_1_" + n, start, end1))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);

        String newProduct = "prod_new_" + n;
        try (var changed = ChangedCatalog.apply(
                context,
                Map.of(
                        "renderbank.catalog.plans.pro-monthly.creem-product-id",
                        newProduct,
                        "renderbank.catalog.plans.pro-monthly.creem-earlier-product-ids",
                        "prod_local_pro-monthly"))) {
            assertThat(changed.catalog().product("pro-monthly").orElseThrow().creemProductId())
                    .as("what a new checkout is opened for")
                    .isEqualTo(newProduct);
            String renewal = "evt_renewal_" + n;
            assertThat(creemWebhook(renewal, "subscription.paid", paid(sub, buyer, "tran_2_" + n, end1, end2))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(stored("creem", renewal).status())
                    .as(stored("creem", renewal).lastError())
                    .isEqualTo("PROCESSED");
            assertThat(ledger.balance(buyer.id()).available())
                    .as("the renewal of the earlier product grants pro-monthly's month")
                    .isEqualTo(1000);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A paid period of {@code sub} on Creem product prod_local_pro-monthly (19.90). */
    private static String paid(String sub, UserAccount buyer, String txn, Instant start, Instant end) {
        return """
                {"id":"%1$s","object":"subscription","status":"active",
                 "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"%2$s"},
                 "last_transaction_id":"%3$s","last_transaction":{"id":"%3$s","amount":1990,"currency":"USD"},
                 "current_period_start_date":"%4$s","current_period_end_date":"%5$s",
                 "metadata":{"userId":"%6$d","product":"pro-monthly"}}""".formatted(sub, buyer.email(), txn, start, end, buyer.id());
    }
}
