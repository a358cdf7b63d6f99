package dev.renderbank.billing;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * What users paid per credit on average, in one currency: {@code amountMinor}, the money the
 * purchases that charged money kept (charged, less what refunds took back and chargebacks, disputes
 * open or lost, withdrew), over {@code credits}, the credits they were sold with. A pack refunded in
 * full counts its credits and no money: credits a user spent and then had refunded earned nothing. A
 * subscription period paid from the customer's Stripe balance (money a plan switch credited back)
 * charged nothing and counts neither: its money is the earlier charge's, and a yearly period counts
 * its twelve months' credits though a switch ends it early, as the money it credited back buys the
 * months after; one paid partly from the balance counts the share of its credits its charge paid for.
 */
public record CreditPrice(String currency, long amountMinor, long credits) {

    /** Minor units per credit (e.g. 0.9 cents). */
    public BigDecimal perCreditMinor() {
        return BigDecimal.valueOf(amountMinor).divide(BigDecimal.valueOf(credits), MathContext.DECIMAL64);
    }
}
