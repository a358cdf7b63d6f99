package dev.renderbank.bank;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Creem webhook events as Creem sends them (the shapes the app's Creem handler reads), signed with
 * the secret the bank test gives its nodes: a paid pack checkout (of a checkout {@link BankLedger#openCheckout}
 * recorded first), and a succeeded partial refund. The default catalogue's Creem product ids are {@code prod_local_<pack>}.
 */
final class SignedPurchases {

    private SignedPurchases() {}

    static long priceMinor(String pack) {
        return switch (pack) {
            case "pack-200" -> 990;
            case "pack-500" -> 2290;
            default -> 4500;
        };
    }

    /** The id of the checkout renderbank opened for {@code order} (its request_id at Creem). */
    static String checkoutId(String order) {
        return "chk_" + order;
    }

    static String checkout(String order, String pack, long userId, String email) {
        return """
                {"id":"evt_%s","eventType":"checkout.completed","created_at":%d,"object":{"id":"ch_%s",\
                "object":"checkout","status":"completed","request_id":"%s",\
                "order":{"id":"%s","product":"prod_local_%s","amount":%d,\
                "currency":"USD","status":"paid","type":"onetime"},"product":{"id":"prod_local_%s","price":%d},\
                "customer":{"email":"%s"},"metadata":{"userId":"%d","product":"%s"}}}""".formatted(
                        UUID.randomUUID(),
                        System.currentTimeMillis(),
                        order,
                        checkoutId(order),
                        order,
                        pack,
                        priceMinor(pack),
                        pack,
                        priceMinor(pack),
                        email,
                        userId,
                        pack);
    }

    /** A succeeded refund of {@code amountMinor} (less than any pack's price: a partial refund). */
    static String refund(String order, long amountMinor) {
        return """
                {"id":"evt_%s","eventType":"refund.created","created_at":%d,"object":{"id":"ref_%s",\
                "object":"refund","status":"succeeded","refund_amount":%d,"order":{"id":"%s"}}}""".formatted(UUID.randomUUID(), System.currentTimeMillis(), UUID.randomUUID(), amountMinor, order);
    }

    static String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(BankProcesses.CREEM_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
