/**
 * Stripe: Checkout Sessions through stripe-java, and its events (sessions, invoices, subscriptions, refunds, disputes) mapped onto the core (one handler per event type).
 */
package dev.renderbank.billing.stripe;
