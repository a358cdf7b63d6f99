package dev.renderbank.ops;

/** Outcome of an operator action; refusals write nothing (not even an audit record). */
public sealed interface ActionResult {

    /** Done and recorded; {@code repeated} when the key had been used: nothing new happened. */
    record Done(OperatorAction action, boolean repeated) implements ActionResult {}

    /** The target (user, job) does not exist. */
    record NotFound(String message) implements ActionResult {}

    /** Refused by a rule (a cap, a state, a key used for something else); {@code code} names the rule. */
    record Refused(String code, String message) implements ActionResult {}
}
