/**
 * Money in: packs and plans, checkout, payment webhooks (Creem, Stripe, simulated), subscriptions and their periods, refunds and disputes, rewards ({@link dev.renderbank.billing.Billing}).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"platform", "identity", "ledger"})
package dev.renderbank.billing;
