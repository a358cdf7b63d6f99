package dev.renderbank.account;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Currency;
import java.util.Locale;

/**
 * Prices as people read them. Amounts are integer minor units of an ISO currency, so the number of
 * decimals comes from the currency (2 for USD, 0 for JPY), never from a guess.
 */
final class Money {

    private Money() {}

    static String format(long minor, String currencyCode) {
        Currency currency = Currency.getInstance(currencyCode.toUpperCase(Locale.ROOT));
        int digits = Math.max(0, currency.getDefaultFractionDigits());
        DecimalFormat number = new DecimalFormat(
                digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits), DecimalFormatSymbols.getInstance(Locale.US));
        String amount = number.format(BigDecimal.valueOf(minor, digits));
        String symbol = currency.getSymbol(Locale.US);
        return symbol.equals(currency.getCurrencyCode()) ? symbol + " " + amount : symbol + amount;
    }
}
