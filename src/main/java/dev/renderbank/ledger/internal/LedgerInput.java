package dev.renderbank.ledger.internal;

import dev.renderbank.platform.CreditLimits;

/**
 * The ledger's checks of a caller's input, run before any transaction: bad input is a caller's bug,
 * refused with {@link IllegalArgumentException} and nothing is written.
 */
public final class LedgerInput {

    private LedgerInput() {}

    public static void checkAmount(long amount) {
        if (amount <= 0 || amount > CreditLimits.MAX_AMOUNT) {
            throw new IllegalArgumentException(
                    "amount must be between 1 and " + CreditLimits.MAX_AMOUNT + ", was " + amount);
        }
    }

    public static void checkKey(String key) {
        if (key == null || key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("key must be 1 to 200 characters");
        }
    }

    public static void checkUser(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("user id must be positive, was " + userId);
        }
    }

    public static void checkText(String name, String value) {
        if (value == null || value.isBlank() || value.length() > 1000) {
            throw new IllegalArgumentException(name + " must be 1 to 1000 characters");
        }
    }
}
