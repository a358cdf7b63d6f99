package dev.renderbank.notify.internal;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** Integer minor units plus an ISO currency, written for people ("$9.90", "€22.90"). */
public final class Money {

    private Money() {}

    public static String format(long minor, String currency) {
        try {
            Currency c = Currency.getInstance(currency.toUpperCase(Locale.ROOT));
            NumberFormat f = NumberFormat.getCurrencyInstance(Locale.US);
            f.setCurrency(c);
            int digits = Math.max(c.getDefaultFractionDigits(), 0);
            f.setMinimumFractionDigits(digits);
            f.setMaximumFractionDigits(digits);
            return f.format(BigDecimal.valueOf(minor, digits));
        } catch (IllegalArgumentException | NullPointerException e) {
            return minor + " " + currency + " (minor units)";
        }
    }
}
