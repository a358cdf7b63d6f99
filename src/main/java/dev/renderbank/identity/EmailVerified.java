package dev.renderbank.identity;

/** Published (after commit) when a user's email address becomes verified; rewards listen. */
public record EmailVerified(long userId) {}
