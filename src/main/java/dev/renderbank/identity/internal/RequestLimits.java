package dev.renderbank.identity.internal;

import dev.renderbank.platform.FixedWindowCounter;
import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Fixed-window request counts in PostgreSQL (so they hold across nodes) for the forms that send
 * email: sign-up, resend, forgot password. Counted before anything is looked up, so a refusal says
 * nothing about whether an account exists. Counted by the platform's {@link FixedWindowCounter}.
 */
@Component
public class RequestLimits {

    private final JdbcClient jdbc;
    private final RequestLimitProperties props;
    private final Clock clock;
    private final AddressHasher keys;
    private final FixedWindowCounter<String> counts;

    RequestLimits(JdbcClient jdbc, RequestLimitProperties props, Clock clock, AddressHasher keys) {
        this.jdbc = jdbc;
        this.counts = new FixedWindowCounter<>(jdbc, "request_limit", "bucket", "hits");
        this.props = props;
        this.clock = clock;
        this.keys = keys;
    }

    /**
     * Counts one {@code action} request from {@code client} naming {@code email}; true if both the
     * client's and the mailbox's ({@link EmailKeys#mailbox}) counts are within their limits. The address is counted only for a
     * client within its own limit: a refused client sends no mail, so it must not use up the
     * address's allowance either (else one client, refused for its own volume, could keep asking
     * for any number of addresses and lock their owners out of reset, resend and sign-up).
     */
    public boolean allow(String action, String client, String email) {
        if (!hit(action + ":client:" + client, props.perClient())) {
            return false;
        }
        // the address as typed may hold anything (a NUL, thousands of characters): counted by the keyed
        // digest the sign-in throttle uses, of the mailbox it delivers to (every +alias, and Gmail's
        // dots, is one inbox: counted per spelling, one client could mail it five times an hour per
        // alias), and the row (kept up to renderbank.retention.throttles, past a deletion) names no address
        return hit(
                action + ":address:" + keys.throttleKey(EmailKeys.mailbox(SignInNames.asAuthenticated(email))),
                props.perAddress());
    }

    /**
     * Deletes the per-address counts of {@code email} that a node of the previous release wrote under
     * the plain digest ({@link SignInNames#unkeyedThrottleKey}; only during an upgrade): an account's
     * deletion leaves no row a list of addresses could be tested against. The keyed counts stay until
     * the sweep: they name nobody without the secret, and still hold the address's allowance (its
     * mailbox could otherwise get another five sign-up mails an hour per deletion of an unconfirmed
     * account made with it).
     */
    public void forgetUnkeyed(String email) {
        jdbc.sql("delete from request_limit where bucket like :b")
                .param("b", "%:address:" + SignInNames.unkeyedThrottleKey(email))
                .update();
    }

    /** Counts one request in {@code bucket} (its first 300 characters) if its window holds fewer than {@code max}. */
    private boolean hit(String bucket, int max) {
        return counts.count(
                bucket.length() > 300 ? bucket.substring(0, 300) : bucket, clock.instant(), props.window(), max);
    }
}
