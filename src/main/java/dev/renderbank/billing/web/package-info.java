/**
 * The HTTP API of billing: catalogue, checkout and subscriptions, rewards, the payment webhook endpoints and the operators' webhook view. Thin: parse, call, render.
 */
package dev.renderbank.billing.web;
