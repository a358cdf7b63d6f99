package dev.renderbank.ops;

import dev.renderbank.generation.JobState;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.springframework.stereotype.Component;

/** Admins with tokens, and raw HTTP calls with any method, for the admin tests. */
@Component
class AdminSupport {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Users users;
    private final KieSimulator simulator;
    private final OperatorJobs operatorJobs;

    AdminSupport(Users users, KieSimulator simulator, OperatorJobs operatorJobs) {
        this.users = users;
        this.simulator = simulator;
        this.operatorJobs = operatorJobs;
    }

    /**
     * A nano-banana job the provider has accepted and is still working on (the simulator runs for
     * {@code runs}); the caller resets the simulator afterwards.
     */
    String jobAtProvider(int port, String token, Duration runs) {
        simulator.setImageDuration(runs);
        String taskId = new Api(port)
                .post(
                        "/api/v1/generate-image",
                        token,
                        "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}")
                .json()
                .get("taskId")
                .asString();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> operatorJobs.find(taskId).orElseThrow().state() == JobState.RUNNING
                        || operatorJobs.find(taskId).orElseThrow().state() == JobState.SUBMITTED);
        return taskId;
    }

    record Admin(long id, String email, String token) {}

    /** A fresh operator: each test's daily grant cap starts at zero. */
    Admin newAdmin() {
        return newAdmin("ops-" + UUID.randomUUID() + "@test.local");
    }

    Admin newAdmin(String email) {
        UserAccount a = users.create(email, "correct horse battery staple", Role.ADMIN, true);
        return new Admin(a.id(), email, users.issueToken(a.id(), "test"));
    }

    static HttpResponse<String> call(int port, String method, String path, String token, String json, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
