package dev.renderbank.platform;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every kind of operator alert the application raises ({@link OperatorAlerts}), with its stable
 * code (what {@code operator_alert.kind}, {@code /admin/alerts?kind=} and the alert emails carry) and
 * the heading of its email. The one list: README's table of alert kinds names each of them (a test
 * holds the two together), and production code raises alerts only by these constants.
 */
public enum AlertKind {
    PROVIDER_EXHAUSTED("provider.exhausted", "Provider out of credits"),
    PROVIDER_UNAUTHORIZED("provider.unauthorized", "Provider refuses our API key"),
    PROVIDER_AVAILABLE("provider.available", "Provider available again"),
    PROVIDER_FAILING("provider.failing", "Provider calls failing"),
    PROVIDER_RECOVERED("provider.recovered", "Provider answers again"),
    PROVIDER_FEATURE_DISABLED("provider.feature-disabled", "Provider feature disabled"),
    PROVIDER_BALANCE_LOW("provider.balance.low", "Provider balance low"),
    PROVIDER_BALANCE_RECOVERED("provider.balance.recovered", "Provider balance recovered"),
    PROVIDER_BALANCE_UNKNOWN("provider.balance.unknown", "Provider balance cannot be read"),
    PROVIDER_BALANCE_KNOWN("provider.balance.known", "Provider balance read again"),
    BILLING_WEBHOOK_FAILED("billing.webhook.failed", "Payment webhook processing failing"),
    BILLING_WEBHOOK_PARKED("billing.webhook.parked", "Payment webhook parked"),
    BILLING_WEBHOOK_UNUSABLE("billing.webhook.unusable", "Payment webhook unusable"),
    BILLING_WEBHOOK_SIGNATURE("billing.webhook.signature", "Payment webhook signatures failing"),
    BILLING_REFUND_OF_UNPAID_PURCHASE("billing.refund-of-unpaid-purchase", "Refund of a purchase paid nothing"),
    BILLING_DISPUTE_OF_UNPAID_PURCHASE("billing.dispute-of-unpaid-purchase", "Dispute of a purchase paid nothing"),
    BILLING_PAID_BY_DELETED_ACCOUNT("billing.paid-by-deleted-account", "Payment by a deleted account"),
    BILLING_PERIOD_PAID_AFTER_END("billing.period-paid-after-end", "Subscription period paid after its end"),
    LEDGER_HOLD_EXPIRY_FAILED("ledger.hold-expiry-failed", "A hold cannot be expired"),
    EVENTS_HANDLER_FAILING("events.handler-failing", "Background event handler failing"),
    GENERATION_TASK_CLAIMED_TWICE("generation.task-claimed-twice", "A provider task claimed by two jobs"),
    RECONCILIATION_FINDINGS("reconciliation.findings", "Reconciliation found differences"),
    STORAGE_FAILING("storage.failing", "Asset store writes failing"),
    STORAGE_RECOVERED("storage.recovered", "Asset store takes writes again"),
    MAIL_FAILED("mail.failed", "An email could not be delivered"),
    MAIL_DELAYED("mail.delayed", "Emails are not being delivered"),
    MAIL_RECOVERED("mail.recovered", "Emails are delivered again"),
    WEBHOOKS_FAILED("webhooks.failed", "A client webhook could not be delivered"),
    ACCOUNTS_SAME_ADDRESS("accounts.same-address", "Two accounts with one email address"),
    DEMO_ACCOUNTS_DISABLED("demo-accounts.disabled", "Demo accounts disabled in production");

    private final String code;
    private final String heading;

    AlertKind(String code, String heading) {
        this.code = code;
        this.heading = heading;
    }

    /** The stable code, e.g. {@code provider.exhausted}. */
    public String code() {
        return code;
    }

    /** Plain words for an email's subject. */
    public String heading() {
        return heading;
    }

    public static Optional<AlertKind> byCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
