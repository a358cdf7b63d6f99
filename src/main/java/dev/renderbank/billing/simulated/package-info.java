/**
 * Payments without a provider, for development: a local checkout page whose Pay hands Creem-format events to the webhook intake inside the process. Exists only while renderbank.payments.provider is simulated, and prod refuses it.
 */
package dev.renderbank.billing.simulated;
