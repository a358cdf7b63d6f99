package dev.renderbank.provider.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** A task the simulator accepted. Its state is a function of the time elapsed since creation. */
record SimTask(
        String taskId,
        String model,
        Kind kind,
        JsonNode input,
        String callbackUrl,
        Instant createdAt,
        Duration duration,
        boolean fails,
        int callbackAttempts) {

    enum Kind {
        IMAGE,
        VIDEO
    }

    static Kind kindOf(String model, JsonNode input) {
        String m = model.toLowerCase(Locale.ROOT);
        boolean video = m.contains("video")
                || m.startsWith("sora")
                || m.startsWith("veo")
                || m.contains("kling")
                || input.has("n_frames");
        return video ? Kind.VIDEO : Kind.IMAGE;
    }

    boolean finishedAt(Instant now) {
        return !now.isBefore(createdAt.plus(duration));
    }

    Instant finishesAt() {
        return createdAt.plus(duration);
    }

    /** waiting (not started yet by the clock), queuing, generating, success or fail. */
    String stateAt(Instant now) {
        if (finishedAt(now)) {
            return fails ? "fail" : "success";
        }
        if (now.isBefore(createdAt)) {
            return "waiting";
        }
        return progressAt(now) < 10 ? "queuing" : "generating";
    }

    int progressAt(Instant now) {
        if (finishedAt(now)) {
            return 100;
        }
        long elapsed = Math.max(0, Duration.between(createdAt, now).toMillis());
        return (int) Math.min(99, elapsed * 100 / Math.max(1, duration.toMillis()));
    }

    String prompt() {
        return input.path("prompt").asString("");
    }
}
