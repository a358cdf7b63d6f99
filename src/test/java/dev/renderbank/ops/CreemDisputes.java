package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.support.OpenedCheckouts;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Purchases disputed at Creem, made through the webhook processing, for the admin page tests. */
final class CreemDisputes {

    private CreemDisputes() {}

    /** A pack-200 bought at Creem and charged back in full (through the webhook processing); the dispute's id. */
    static String packDisputed(WebhookIntake webhooks, ProductCatalog catalog, JdbcClient jdbc, long userId) {
        String order = "ord_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String dispute = "disp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String product = catalog.product("pack-200").orElseThrow().creemProductId();
        String checkout = """
                {"id":"evt_%1$s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%1$s","object":"checkout","request_id":"req_%1$s",
                   "order":{"id":"%1$s","product":"%2$s","amount":990,"currency":"USD","status":"paid","type":"onetime"},
                   "product":{"id":"%2$s"},"customer":{"email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%3$d"}}}""".formatted(order, product, userId);
        assertThat(webhooks.receive(
                                "creem",
                                "evt_" + order,
                                "checkout.completed",
                                OpenedCheckouts.forCreemEvent(jdbc, "creem", checkout))
                        .status())
                .isEqualTo("processed");
        String opened = """
                {"id":"evt_%1$s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%1$s","object":"dispute","amount":990,"currency":"USD",
                   "transaction":{"id":"tran_%2$s","object":"transaction","amount":990,"amount_paid":990,"order":"%2$s"},
                   "order":{"id":"%2$s","amount":990,"currency":"USD"}}}""".formatted(dispute, order);
        assertThat(webhooks.receive("creem", "evt_" + dispute, "dispute.created", opened)
                        .status())
                .isEqualTo("processed");
        return dispute;
    }
}
