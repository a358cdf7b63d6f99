/**
 * Free credits: the sign-up bonus, daily check-in with its streak, sharing and referrals; each a ledger grant keyed so that asking twice never grants twice.
 */
package dev.renderbank.billing.rewards;
