package dev.renderbank.billing;

import dev.renderbank.billing.core.Screened;

/**
 * What the payment provider's API said of a stored event ahead of an operator's reprocess, asked
 * outside any transaction ({@link OperatorBilling#checkPaymentEvent}); handed to {@link
 * OperatorBilling#reprocessPaymentEvent} inside the audited one.
 */
public final class PaymentEventCheck {

    private final Screened screened;

    PaymentEventCheck(Screened screened) {
        this.screened = screened;
    }

    public long eventId() {
        return screened.eventId();
    }

    Screened screened() {
        return screened;
    }
}
