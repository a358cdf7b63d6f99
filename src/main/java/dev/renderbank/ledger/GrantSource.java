package dev.renderbank.ledger;

/** Where granted credits come from; recorded on the grant and its ledger entry. */
public enum GrantSource {
    PURCHASE,
    SUBSCRIPTION,
    SIGNUP,
    REWARD,
    ADMIN,
    COMPENSATION
}
