package dev.renderbank.ledger;

/** A hold is OPEN until captured (charged) or released; EXPIRED is a release caused by its own deadline. */
public enum HoldState {
    OPEN,
    CAPTURED,
    RELEASED,
    EXPIRED
}
