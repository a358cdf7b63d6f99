package dev.renderbank.billing;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * What users paid per credit on average: {@code amountMinor} over {@code credits} of the purchases
 * in one currency (refunds not deducted: a refund claws its credits back too).
 */
public record CreditPrice(String currency, long amountMinor, long credits) {

    /** Minor units per credit (e.g. 0.9 cents). */
    public BigDecimal perCreditMinor() {
        return BigDecimal.valueOf(amountMinor).divide(BigDecimal.valueOf(credits), MathContext.DECIMAL64);
    }
}
