package dev.renderbank.notify.internal;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** Integer minor units plus an ISO currency, written for people ("$9.90", "€22.90"). */
public final class Money {

    private Money() {}

    /**
     * What paid for a purchase, in words: the amount charged alone, or, when the customer's balance at
     * the payment provider paid some or all of it ({@code fromBalanceMinor}: money an earlier plan
     * left there, such as the unused time a plan switch credited back), both ("$0.00 charged — $19.90
     * paid from your account balance with us (credit left from your previous plan)").
     */
    public static String paid(long chargedMinor, long fromBalanceMinor, String currency) {
        if (fromBalanceMinor <= 0) {
            return format(chargedMinor, currency);
        }
        return format(chargedMinor, currency) + " charged \u2014 " + format(fromBalanceMinor, currency)
                + " paid from your account balance with us (credit left from your previous plan)";
    }

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
