package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * SPEC's Idempotency-Key rules for the generate POST, whose key is claimed inside the accepting
 * transaction (issue 15): concurrent repeats answer as the first, a different body under the key is
 * 422, a repeat of an accepted request answers as the first did whatever the provider says now, and a
 * refusal stores nothing, so a retry is evaluated afresh.
 */
class IdempotentAcceptTest extends IntegrationTest {

    private static final String PATH = "/api/v1/generate-image";
    private static final String BODY_A = "{\"model\":\"nano-banana\",\"prompt\":\"same key, body A\"}";
    private static final String BODY_B = "{\"model\":\"nano-banana\",\"prompt\":\"same key, body B\"}";
    private static final long PRICE = 5;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    ProviderStatus providerStatus;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Sweeper sweeper;

    @AfterEach
    void providerBack() {
        providerStatus.clear("test reset");
    }

    @Test
    void concurrentRequestsWithOneKeyAnswerAsTheFirstAndHoldOnce() throws Exception {
        TestUser u = users.create(100);
        Api api = new Api(port);
        Map<String, String> key = Map.of("Idempotency-Key", "race-1");
        int requests = 8;
        CyclicBarrier start = new CyclicBarrier(requests);
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        List<Future<Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < requests; i++) {
                String body = i % 2 == 0 ? BODY_A : BODY_B;
                answers.add(pool.submit(() -> {
                    start.await();
                    Api.Response r = api.post(PATH, u.token(), body, key);
                    return new Answer(
                            body,
                            r.status(),
                            r.status() == 202 ? r.json().get("taskId").asString() : null);
                }));
            }
            List<Answer> got = new ArrayList<>();
            for (Future<Answer> f : answers) {
                got.add(f.get());
            }
            List<Answer> accepted = got.stream().filter(a -> a.status() == 202).toList();
            assertThat(accepted).as("accepted answers: %s", got).isNotEmpty();
            String firstBody = accepted.get(0).body();
            assertThat(accepted).as("one job, one body").allSatisfy(a -> {
                assertThat(a.taskId()).isEqualTo(accepted.get(0).taskId());
                assertThat(a.body()).isEqualTo(firstBody);
            });
            assertThat(got.stream().filter(a -> !a.body().equals(firstBody)))
                    .as("the other body under the key")
                    .allSatisfy(a -> assertThat(a.status()).isEqualTo(422));
            assertThat(got.stream().filter(a -> a.body().equals(firstBody)))
                    .as("the first's body, repeated")
                    .allSatisfy(a -> assertThat(a.status()).isEqualTo(202));
        } finally {
            pool.shutdownNow();
        }
        assertThat(jobsOf(u)).isEqualTo(1);
        assertThat(ledger.balance(u.id()).available())
                .as("held or charged once")
                .isEqualTo(100 - PRICE);
    }

    @Test
    void aRepeatAnswersAsTheFirstWhileTheProviderIsUnavailableAndARefusalStoresNothing() {
        TestUser u = users.create(100);
        Api api = new Api(port);
        Map<String, String> accepted = Map.of("Idempotency-Key", "before-outage");
        Map<String, String> refused = Map.of("Idempotency-Key", "during-outage");
        Api.Response first = api.post(PATH, u.token(), BODY_A, accepted);
        assertThat(first.status()).as(first.body()).isEqualTo(202);

        providerStatus.tripExhausted("IdempotentAcceptTest");
        Api.Response repeat = api.post(PATH, u.token(), BODY_A, accepted);
        Api.Response reused = api.post(PATH, u.token(), BODY_B, accepted);
        Api.Response down = api.post(PATH, u.token(), BODY_B, refused);
        providerStatus.clear("IdempotentAcceptTest");

        assertThat(repeat.status()).as(repeat.body()).isEqualTo(202);
        assertThat(repeat.json().get("taskId").asString())
                .isEqualTo(first.json().get("taskId").asString());
        assertThat(reused.status()).as(reused.body()).isEqualTo(422);
        assertThat(reused.json().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(down.status()).as(down.body()).isEqualTo(503);
        assertThat(jdbc.sql("select count(*) from idempotency_record where user_id = :u and idem_key = :k")
                        .param("u", u.id())
                        .param("k", "during-outage")
                        .query(Long.class)
                        .single())
                .as("a refused request's key is not stored")
                .isZero();
        assertThat(jobsOf(u)).isEqualTo(1);
        assertThat(ledger.balance(u.id()).available())
                .as("held or charged once")
                .isEqualTo(100 - PRICE);

        // evaluated afresh once the provider is back: the cooldown of the first job refuses it now
        Api.Response retry = api.post(PATH, u.token(), BODY_B, refused);
        assertThat(retry.status()).as(retry.body()).isEqualTo(429);
    }

    /**
     * The first accept started the cooldown and held the user's last credits: a repeat sent at once
     * (same key, same body) still answers as the first did, 202 with its job, not the cooldown's 429
     * nor a 402; another body under the key is still 422.
     */
    @Test
    void aRepeatAtOnceGetsItsJobNotTheCooldownNorTheCreditsItsFirstUsedUp() {
        TestUser u = users.create(PRICE);
        Api api = new Api(port);
        Map<String, String> key = Map.of("Idempotency-Key", "repeat-at-once");
        Api.Response first = api.post(PATH, u.token(), BODY_A, key);
        assertThat(first.status()).as(first.body()).isEqualTo(202);

        Api.Response repeat = api.post(PATH, u.token(), BODY_A, key);
        Api.Response reused = api.post(PATH, u.token(), BODY_B, key);
        Api.Response fresh = api.post(PATH, u.token(), BODY_A, Map.of("Idempotency-Key", "another-key"));

        assertThat(repeat.status()).as(repeat.body()).isEqualTo(202);
        assertThat(repeat.json().get("taskId").asString())
                .isEqualTo(first.json().get("taskId").asString());
        assertThat(repeat.json().get("creditsHeld").asLong()).isEqualTo(PRICE);
        assertThat(reused.status()).as(reused.body()).isEqualTo(422);
        assertThat(fresh.status())
                .as("a new request is refused by the cooldown: " + fresh.body())
                .isEqualTo(429);
        assertThat(jobsOf(u)).isEqualTo(1);
        assertThat(ledger.balance(u.id()).available()).isZero();
    }

    /**
     * A repeat after the job finished still gets the first answer (queued, its price held), as SPEC
     * and API.md say: it got the job's state now (completed, 0 held), so a client whose first answer
     * was lost recorded no hold.
     */
    @Test
    void aRepeatAfterTheJobFinishedGetsTheFirstAnswer() {
        TestUser u = users.create(100);
        Api api = new Api(port);
        Map<String, String> key = Map.of("Idempotency-Key", "repeat-after-finish");
        Api.Response first = api.post(PATH, u.token(), BODY_A, key);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String taskId = first.json().get("taskId").asString();
        assertThat(api.awaitTerminal(taskId, u.token()).get("status").asString())
                .isEqualTo("completed");

        Api.Response repeat = api.post(PATH, u.token(), BODY_A, key);
        assertThat(repeat.status()).as(repeat.body()).isEqualTo(202);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.json().get("status").asString()).isEqualTo("queued");
        assertThat(repeat.json().get("creditsHeld").asLong()).isEqualTo(PRICE);
        assertThat(jobsOf(u)).isEqualTo(1);
    }

    /**
     * SPEC section 4 and API.md: a key is kept 24 hours. A repeat 23 hours later, after the sweep
     * that forgets expired keys has run, still answers as the first did (its job, nothing held
     * again); one sent 24 hours and a second after the first is a new request: a new job, held anew.
     */
    @Test
    void aKeyIsKeptTwentyFourHoursThroughTheSweepAndARepeatAfterThatIsANewRequest() {
        TestUser u = users.create(100);
        Api api = new Api(port);
        Map<String, String> key = Map.of("Idempotency-Key", "kept-24h");
        Api.Response first = api.post(PATH, u.token(), BODY_A, key);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String taskId = first.json().get("taskId").asString();
        // finished (charged), so the sweep at +23 h has no live job of this user to fail
        assertThat(api.awaitTerminal(taskId, u.token()).get("status").asString())
                .isEqualTo("completed");

        clock.advance(Duration.ofHours(23));
        sweeper.sweep();
        Api.Response within = api.post(PATH, u.token(), BODY_A, key);
        assertThat(within.status()).as(within.body()).isEqualTo(202);
        assertThat(within.json().get("taskId").asString()).isEqualTo(taskId);
        assertThat(jobsOf(u)).isEqualTo(1);
        assertThat(ledger.balance(u.id()).available())
                .as("the repeat holds nothing")
                .isEqualTo(100 - PRICE);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        Api.Response after = api.post(PATH, u.token(), BODY_A, key);
        assertThat(after.status()).as(after.body()).isEqualTo(202);
        assertThat(after.json().get("taskId").asString())
                .as("a new request: its own job")
                .isNotEqualTo(taskId);
        assertThat(jobsOf(u)).isEqualTo(2);
        assertThat(ledger.balance(u.id()).available())
                .as("the new job's price held as well")
                .isEqualTo(100 - 2 * PRICE);
    }

    private long jobsOf(TestUser u) {
        return jdbc.sql("select count(*) from generation_job where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    private record Answer(String body, int status, String taskId) {}
}
