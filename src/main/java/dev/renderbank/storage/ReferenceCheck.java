package dev.renderbank.storage;

import java.time.Duration;

/** What {@link ReferenceHosts#check} says of a request's reference image URLs. */
public sealed interface ReferenceCheck {

    /** Every URL may be given to the provider. */
    record Allowed() implements ReferenceCheck {}

    /** The URL at {@code index} may not be given to the provider; {@code reason} is for the client. */
    record Refused(int index, String reason) implements ReferenceCheck {}

    /**
     * The host of the URL at {@code index} did not answer within the time bound: not known to be
     * refused, but not checked either; {@code reason} is for the client.
     */
    record TimedOut(int index, String reason) implements ReferenceCheck {}

    /** Too many lookups are under way on this node: nothing was looked up; try again after {@code retryAfter}. */
    record Busy(Duration retryAfter) implements ReferenceCheck {}
}
