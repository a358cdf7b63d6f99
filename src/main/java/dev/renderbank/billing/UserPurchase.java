package dev.renderbank.billing;

/** A purchase with its buyer, for the operators' payments page. */
public record UserPurchase(long userId, PurchaseSummary purchase) {}
