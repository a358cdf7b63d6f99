package dev.renderbank.identity;

import dev.renderbank.support.Concurrently;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The set-up the TokenCreationDuring* race tests share: a new user signed in in a browser on the
 * tokens page, that browser's token issue ({@code POST /api/v1/tokens}) started on a thread of its
 * own while the test holds the lock the other side of the race waits for, the wait until a step is
 * under way, and the user's tokens counted afterwards. Each test keeps its own race and its rule.
 */
final class TokenIssueRace {

    static final String PASSWORD = "correct horse battery staple";

    /** How long a step of a race may take to reach its lock wait (or finish) before the test fails. */
    static final Duration STEP = Duration.ofSeconds(20);

    final TestUsers.TestUser user;
    final SessionApi browser;

    private TokenIssueRace(TestUsers.TestUser user, SessionApi browser) {
        this.user = user;
        this.browser = browser;
    }

    /** A new user (no credits) signed in in a browser that has the tokens page open. */
    static TokenIssueRace signedIn(TestUsers users, int port) throws Exception {
        TestUsers.TestUser u = users.create(0);
        return new TokenIssueRace(u, SessionApi.signIn(port, u.email(), PASSWORD, "/account/tokens"));
    }

    /**
     * Starts the browser's issue of a token called {@code name} on a thread of its own; {@code answer}
     * completes with the HTTP answer (declared before, so a test can start it inside a transaction).
     */
    void issueInBackground(String name, CompletableFuture<HttpResponse<String>> answer) {
        Concurrently.completeInBackground(answer, () -> {
            try {
                return browser.call("POST", "/api/v1/tokens", "{\"name\":\"" + name + "\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until {@code condition} holds (a side waits for a lock, or is done), at most {@link #STEP}. */
    static void awaitUntil(Callable<Boolean> condition) {
        Awaitility.await().atMost(STEP).until(condition);
    }

    /** The user's tokens not revoked. */
    long liveTokens(JdbcClient jdbc) {
        return jdbc.sql("select count(*) from api_token where user_id = :u and revoked_at is null")
                .param("u", user.id())
                .query(Long.class)
                .single();
    }

    /** The user's tokens called {@code name}, revoked or not. */
    long tokensNamed(JdbcClient jdbc, String name) {
        return jdbc.sql("select count(*) from api_token where user_id = :u and name = :n")
                .param("u", user.id())
                .param("n", name)
                .query(Long.class)
                .single();
    }
}
