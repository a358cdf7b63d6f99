package dev.renderbank.ledger;

/** Credits frozen by open holds across all users, for operators. */
public record HoldsSummary(long openHolds, long heldCredits, long usersWithHolds, long expiredButOpen) {}
