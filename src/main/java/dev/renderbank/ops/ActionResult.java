package dev.renderbank.ops;

/** Outcome of an operator action; refusals write nothing (not even an audit record). */
public sealed interface ActionResult {

    /** Done and recorded; {@code repeated} when the key had been used: nothing new happened. */
    record Done(OperatorAction action, boolean repeated) implements ActionResult {}

    /** The target (user, job) does not exist. */
    record NotFound(String message) implements ActionResult {}

    /**
     * Refused by a rule (a cap, a state, a key used for something else); {@code code} names the rule.
     * {@code conflict}: the target's state contradicts the request (a dispute closed with the other
     * outcome), answered 409 rather than 422 over the API.
     */
    record Refused(String code, String message, boolean conflict) implements ActionResult {

        public Refused(String code, String message) {
            this(code, message, false);
        }
    }
}
