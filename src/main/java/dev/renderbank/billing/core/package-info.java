/**
 * What a payment does to credits, whichever provider sent it: purchases and their refunds, disputes, clawbacks and monthly grants, and the webhook inbox that processes each stored event exactly once ({@link dev.renderbank.billing.core.EventProcessor}). Provider adapters turn their events into calls on {@link dev.renderbank.billing.core.Purchases} and {@link dev.renderbank.billing.core.Disputes}.
 */
package dev.renderbank.billing.core;
