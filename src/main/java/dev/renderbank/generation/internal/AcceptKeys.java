package dev.renderbank.generation.internal;

import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.AcceptOutcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The Idempotency-Key rules of an accept ({@link Acceptance}): a first request claims its key, a
 * repeat (same key, same body) is answered with the first request's job, another body under the key
 * is refused. The key is scoped to the endpoint it was sent to ({@link Key#scope}); the body is
 * compared by its hash ({@link #requestHash}).
 */
@Component
class AcceptKeys {

    private final IdempotencyStore keys;
    private final Clock clock;

    AcceptKeys(IdempotencyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A request's key ({@code key} null: none given) in its endpoint's {@code scope}, with its body's hash. */
    record Key(String scope, String key, String hash) {}

    /**
     * In the accept's transaction: empty when there is no key or this request claimed it; else the
     * answer to a repeat (the first's job), or the refusal of another body under the key.
     */
    Optional<AcceptOutcome> claimOrReplay(long userId, Job job, Key k, Instant now) {
        if (k.key() == null || keys.claim(userId, k.scope(), k.key(), k.hash(), job.id(), now)) {
            return Optional.empty();
        }
        IdempotencyStore.IdempotentHit hit = keys.hit(userId, k.scope(), k.key(), now)
                .orElseThrow(() -> new IllegalStateException("key " + k.key() + " taken but not found"));
        if (!hit.requestHash().equals(k.hash())) {
            return Optional.of(new AcceptOutcome.KeyReusedWithDifferentRequest(k.key()));
        }
        if (hit.job() == null) {
            throw new IllegalStateException("key " + k.key() + " names missing job " + hit.jobId());
        }
        return Optional.of(new AcceptOutcome.Accepted(hit.job().view(), true));
    }

    /**
     * The first answer to this request if it repeats an accepted one (same key, same body), read on
     * its own: only for a request whose reference images could not be checked now, which would
     * otherwise be refused although its job exists.
     */
    Optional<AcceptOutcome> replayOf(long userId, String scope, String idempotencyKey, GenerationSpec spec) {
        if (idempotencyKey == null) {
            return Optional.empty();
        }
        return keys.hit(userId, scope, idempotencyKey, clock.instant())
                .filter(hit -> hit.job() != null && hit.requestHash().equals(requestHash(spec)))
                .map(hit -> new AcceptOutcome.Accepted(hit.job().view(), true));
    }

    static String requestHash(GenerationSpec spec) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(spec.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
