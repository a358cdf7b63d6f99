package dev.renderbank.ops;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Admins with tokens, and raw HTTP calls with any method, for the admin tests. */
@Component
class AdminSupport {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Users users;

    AdminSupport(Users users) {
        this.users = users;
    }

    record Admin(long id, String email, String token) {}

    /** A fresh operator: each test's daily grant cap starts at zero. */
    Admin newAdmin() {
        String email = "ops-" + UUID.randomUUID() + "@test.local";
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
