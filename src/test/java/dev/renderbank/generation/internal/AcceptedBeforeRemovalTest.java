package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.AcceptOutcome;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * SPEC: a repeat of an accepted request (same Idempotency-Key, same body) gets the original answer.
 * Also after an operator removed its model or option from the catalogue and restarted: the job runs
 * and is charged, and the client that lost the first answer and repeats the request must learn its
 * task id, not get a 422 "not a known model" (the generator page then drops its kept key). The
 * catalogue is configuration, fixed for a context: the removal is stood for by the key's record of
 * a request the catalogue refuses today, naming a job accepted before.
 */
class AcceptedBeforeRemovalTest extends IntegrationTest {

    @Autowired
    Acceptance acceptance;

    @Autowired
    TestUsers users;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRepeatOfARequestAcceptedBeforeItsModelWasRemovedGetsItsJob() {
        long user = users.create(1_000).id();
        GenerationSpec accepted =
                new GenerationSpec(AssetType.IMAGE, "nano-banana", "a lighthouse", List.of(), "1K", "png", null, null);
        AcceptOutcome first = acceptance.accept(user, accepted, "kept-by-the-client");
        assertThat(first).isInstanceOf(AcceptOutcome.Accepted.class);
        String jobId = ((AcceptOutcome.Accepted) first).job().id();
        // the same request as the catalogue of that day had it: a model since removed
        GenerationSpec removedSince = new GenerationSpec(
                AssetType.IMAGE, "retired-model", "a lighthouse", List.of(), "1K", "png", null, null);
        assertThat(jdbc.sql("""
                        update idempotency_record set request_hash = :hash
                         where user_id = :user and idem_key = 'kept-by-the-client'""")
                        .param("hash", AcceptKeys.requestHash(removedSince))
                        .param("user", user)
                        .update())
                .isEqualTo(1);

        AcceptOutcome repeat = acceptance.accept(user, removedSince, "kept-by-the-client");

        assertThat(repeat).isInstanceOf(AcceptOutcome.Accepted.class);
        assertThat(((AcceptOutcome.Accepted) repeat).job().id()).isEqualTo(jobId);
        assertThat(((AcceptOutcome.Accepted) repeat).repeated()).isTrue();
        // without the key, or with another one, it is refused as before
        assertThat(acceptance.accept(user, removedSince, null)).isInstanceOf(AcceptOutcome.Invalid.class);
        assertThat(acceptance.accept(user, removedSince, "another-key")).isInstanceOf(AcceptOutcome.Invalid.class);
    }
}
