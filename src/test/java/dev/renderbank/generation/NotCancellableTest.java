package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.JobTransitions;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A job that cannot be cancelled is refused with 409 {@code not-cancellable} whose detail says the
 * job's own state (being sent, running at the provider, completed, failed and why), not one sentence
 * for every case; the refusal moves no credits.
 */
class NotCancellableTest extends StubbedKieTest {

    @Autowired
    JobTransitions transitions;

    @Autowired
    JobFinisher finisher;

    private Api.Response cancel(TestUser u, String id) {
        return api.post("/api/v1/generations/" + id + "/cancel", u.token(), "");
    }

    private static void assertRefused(Api.Response r, String detail) {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("type").asString()).isEqualTo("https://renderbank.dev/problems/not-cancellable");
        assertThat(r.json().get("detail").asString()).isEqualTo(detail);
    }

    @Test
    void aJobBeingSentOrAtTheProviderSaysSoAndKeepsItsHold() {
        TestUser u = users.create(100);
        String sending = accept(u, "being sent " + UUID.randomUUID());
        assertThat(transitions.markSubmitStarted(sending, Instant.now())).isPresent();

        assertRefused(
                cancel(u, sending),
                "This generation is already being sent to the provider, which cannot cancel it: it runs to its"
                        + " end, and its 5 credits are charged only if it succeeds.");

        TestUser v = users.create(100);
        String running = accept(v, "at the provider " + UUID.randomUUID());
        FinisherTestSupport.submitted(transitions, running, "t-nc-" + UUID.randomUUID(), Instant.now());

        assertRefused(
                cancel(v, running),
                "This generation is already at the provider, which cannot cancel it: it runs to its end, and its"
                        + " 5 credits are charged only if it succeeds.");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
        assertThat(ledger.balance(v.id())).isEqualTo(new Balance(100, 5, 0));
    }

    @Test
    void aCompletedJobSaysItCompleted() {
        TestUser u = users.create(100);
        String id = accept(u, "completes " + UUID.randomUUID());
        FinisherTestSupport.submitted(transitions, id, "t-nc-" + UUID.randomUUID(), Instant.now());
        assertThat(FinisherTestSupport.deliver(finisher, job(id), "nc/" + id + ".png"))
                .isEqualTo("CHARGED");

        assertRefused(cancel(u, id), "This generation already completed; it was charged 5 credits.");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    @Test
    void aFailedJobSaysItFailedAndWhy() {
        TestUser u = users.create(100);
        String byOperator = accept(u, "operator " + UUID.randomUUID());
        FinisherTestSupport.submitted(transitions, byOperator, "t-nc-" + UUID.randomUUID(), Instant.now());
        assertThat(FinisherTestSupport.fail(finisher, job(byOperator), "operator_failed", "Stopped", false))
                .isTrue();

        assertRefused(
                cancel(u, byOperator), "This generation already failed (stopped by an operator); it was not charged.");

        TestUser v = users.create(100);
        String late = accept(v, "too slow " + UUID.randomUUID());
        FinisherTestSupport.submitted(transitions, late, "t-nc-" + UUID.randomUUID(), Instant.now());
        assertThat(FinisherTestSupport.fail(finisher, job(late), "deadline_exceeded", "Too slow", true))
                .isTrue();

        assertRefused(cancel(v, late), "This generation already failed (it took too long); it was not charged.");

        assertThat(FinisherTestSupport.deliver(finisher, job(late), "nc/" + late + ".png"))
                .isEqualTo("LATE_FREE");
        assertRefused(
                cancel(v, late),
                "This generation already ended: it failed (it took too long), then its result arrived; the"
                        + " result is yours, free of charge.");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(ledger.balance(v.id())).isEqualTo(new Balance(100, 0, 0));
    }
}
