package dev.renderbank.catalog;

/** Outcome of pricing a request: a price, or the one field that is wrong and why. */
public sealed interface Pricing {

    record Priced(PricedRequest request) implements Pricing {}

    /**
     * {@code unprocessable} distinguishes a well-formed request the catalogue cannot serve (unknown
     * model, option not offered: 422) from a malformed one (empty prompt, bad URL: 400).
     */
    record Invalid(String field, String message, boolean unprocessable) implements Pricing {}
}
