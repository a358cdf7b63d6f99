package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountRecovered;
import dev.renderbank.identity.Passwords;
import dev.renderbank.identity.Users;
import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.Api;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.HeldTransaction;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A recovered account (a password reset, or a repeated sign-up's confirmed link) keeps no webhook
 * endpoint that whoever knew the old password registered, and loses none that the owner registers
 * after the recovery. Both hold whenever the recovery's clean-up runs (it is retried until it
 * succeeds, so it may run long after), and whatever a registration authenticated before the recovery
 * was doing meanwhile (checking its URL): it either commits before the recovery, and the clean-up
 * removes its endpoint, or finds its caller signed out and writes nothing.
 */
class RecoveredAccountWebhookEndpointTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String NEW_PASSWORD = "the owner's brand new passphrase";
    static final String HANDLER = "notify.webhooks-account-recovered";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Passwords passwords;

    @Autowired
    EmailTokenStore links;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper appJson;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Test
    void aCleanUpThatRunsLateRemovesTheEndpointsFromBeforeTheRecoveryAndKeepsTheOwnersNewOne() throws Exception {
        TestUsers.TestUser u = users.create(0);
        String before = created(register(u.token(), "/before"));
        ResetLink link = resetLink(u);

        // the recovery commits with its clean-up due only much later, as after failed attempts
        tx.executeWithoutResult(s -> {
            assertThat(passwords.reset(link.token(), NEW_PASSWORD)).isInstanceOf(Passwords.Outcome.Changed.class);
            assertThat(jdbc.sql("update scheduled_tasks set execution_time = now() + interval '1 day'"
                                    + " where task_name = 'durable-event' and task_instance = :i")
                            .param("i", cleanUpTask(link))
                            .update())
                    .as("the recovery's clean-up task")
                    .isEqualTo(1);
        });
        // the owner signs in with the new password and registers an endpoint of their own
        SessionApi owner = SessionApi.signIn(port, u.email(), NEW_PASSWORD, "/account/webhooks");
        HttpResponse<String> mine = owner.call("POST", "/api/v1/webhook-endpoints", body("/mine"));
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(201);
        String ownersEndpoint = appJson.readTree(mine.body()).get("id").asString();

        // then the clean-up runs
        jdbc.sql("update scheduled_tasks set execution_time = now() where task_name = 'durable-event'"
                        + " and task_instance = :i")
                .param("i", cleanUpTask(link))
                .update();
        awaitDone(link);

        assertThat(endpointsOf(u.id()))
                .as("the endpoint from before the recovery goes, the owner's from after it stays")
                .containsExactly(ownersEndpoint)
                .doesNotContain(before);
    }

    /** A task stored by the release before recoveries were numbered carries no number: all endpoints go, as then. */
    @Test
    void anEventStoredWithoutARecoveryNumberRemovesEveryEndpoint() {
        TestUsers.TestUser u = users.create(0);
        created(register(u.token(), "/one"));
        created(register(u.token(), "/two"));
        AccountRecovered old = appJson.readValue(
                "{\"userId\":" + u.id() + ",\"linkId\":" + Long.MAX_VALUE + "}", AccountRecovered.class);
        assertThat(old.recovery()).isNull();

        handlerOfRecoveries().handle(old);

        assertThat(endpointsOf(u.id())).isEmpty();
    }

    @Test
    void aTokensRegistrationStillUnderWayWhenTheAccountIsRecoveredWritesNothing() throws Exception {
        registrationHeldWhileTheAccountIsRecovered(u -> () -> {
            Api.Response r = new Api(port).post("/api/v1/webhook-endpoints", u.token(), body("/held"));
            return new Answer(
                    r.status(),
                    r.body(),
                    r.headers().getOrDefault("Content-Type", List.of("")).get(0));
        });
    }

    @Test
    void aSessionsRegistrationStillUnderWayWhenTheAccountIsRecoveredWritesNothing() throws Exception {
        registrationHeldWhileTheAccountIsRecovered(u -> {
            SessionApi browser = signIn(u);
            return () -> {
                try {
                    HttpResponse<String> r = browser.call("POST", "/api/v1/webhook-endpoints", body("/held"));
                    return new Answer(
                            r.statusCode(),
                            r.body(),
                            r.headers().firstValue("Content-Type").orElse(""));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        });
    }

    /**
     * The registration, authenticated and its URL checked, is held before it writes (the test holds
     * the user's registration lock, which it takes first); the owner resets the password meanwhile,
     * and the reset's clean-up runs; then the registration goes on. It must answer that its caller was
     * signed out, and leave no endpoint.
     */
    private void registrationHeldWhileTheAccountIsRecovered(Function<TestUsers.TestUser, Supplier<Answer>> registration)
            throws Exception {
        TestUsers.TestUser u = users.create(0);
        Supplier<Answer> register = registration.apply(u);
        ResetLink link = resetLink(u);
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        try (HeldTransaction<Integer> held = HeldTransaction.open(
                tx,
                jdbc,
                () -> jdbc.sql("select 1 from pg_advisory_xact_lock(hashtextextended('webhook-endpoints:' || :u, 0))")
                        .param("u", u.id())
                        .query(Integer.class)
                        .single())) {
            Concurrently.completeInBackground(answer, register);
            held.awaitBlocked();

            CompletableFuture<Passwords.Outcome> reset =
                    CompletableFuture.supplyAsync(() -> passwords.reset(link.token(), NEW_PASSWORD));
            assertThat(reset.get(20, TimeUnit.SECONDS))
                    .as("the reset does not wait for a registration that has not written yet")
                    .isInstanceOf(Passwords.Outcome.Changed.class);
            awaitDone(link);
            assertThat(answer).as("the registration is still held").isNotDone();
            held.commit();
        }

        Answer a = answer.get(30, TimeUnit.SECONDS);
        assertThat(a.status()).as(a.body()).isEqualTo(401);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.body()).contains("no webhook endpoint was registered");
        assertThat(endpointsOf(u.id())).as("endpoints after the recovery").isEmpty();
    }

    record Answer(int status, String body, String contentType) {}

    record ResetLink(long id, String token) {}

    private SessionApi signIn(TestUsers.TestUser u) {
        try {
            return SessionApi.signIn(port, u.email(), PASSWORD, "/account/webhooks");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ResetLink resetLink(TestUsers.TestUser u) {
        String token = Users.newSecret();
        var now = clock.instant();
        return new ResetLink(links.insert(u.id(), Purpose.RESET, token, now, now.plus(Duration.ofHours(1))), token);
    }

    private Api.Response register(String token, String path) {
        return new Api(port).post("/api/v1/webhook-endpoints", token, body(path));
    }

    private static String created(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private static String body(String path) {
        return "{\"url\":\"http://127.0.0.1:9" + path + "\",\"events\":[\"credits.granted\"]}";
    }

    private static String cleanUpTask(ResetLink link) {
        return HANDLER + ":account-recovered:" + link.id();
    }

    /** Until the recovery's clean-up ran (its task is done and gone). */
    private void awaitDone(ResetLink link) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("select count(*) from scheduled_tasks where task_name = 'durable-event'"
                                        + " and task_instance = :i")
                                .param("i", cleanUpTask(link))
                                .query(Long.class)
                                .single()
                        == 0);
    }

    @SuppressWarnings("unchecked")
    private DurableEventHandler<AccountRecovered> handlerOfRecoveries() {
        return (DurableEventHandler<AccountRecovered>) handlers.stream()
                .filter(h -> h.name().equals(HANDLER))
                .findFirst()
                .orElseThrow();
    }

    private List<String> endpointsOf(long userId) {
        return jdbc.sql("select id from webhook_endpoint where user_id = :u order by id")
                .param("u", userId)
                .query(String.class)
                .list();
    }
}
