package dev.renderbank.ledger;

/** A user's credits: owned ({@code balance}), reserved by jobs in flight ({@code held}), and owed. */
public record Balance(long balance, long held, long debt) {

    public static final Balance EMPTY = new Balance(0, 0, 0);

    public long available() {
        return balance - held;
    }
}
