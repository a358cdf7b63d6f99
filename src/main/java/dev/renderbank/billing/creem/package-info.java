/**
 * Creem: its checkout and cancel API, its webhook signature, and its events mapped onto the core (one handler per event type).
 */
package dev.renderbank.billing.creem;
