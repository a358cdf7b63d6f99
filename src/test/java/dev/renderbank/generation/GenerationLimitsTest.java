package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** The seed's spam protection: cooldown and in-flight cap, atomic with the hold, refusing with 429. */
@TestPropertySource(
        properties = {
            "renderbank.limits.cooldown.video=3m",
            "renderbank.limits.cooldown.image=0",
            "renderbank.limits.in-flight.image=2",
            "renderbank.limits.in-flight.video=1",
            "renderbank.simulator.image-duration=1h",
            "renderbank.simulator.video-duration=1h"
        })
class GenerationLimitsTest extends IntegrationTest {

    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"a cat\"}";
    static final String VIDEO = "{\"model\":\"sora-2\",\"prompt\":\"a cat\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void cooldownRefusesWith429RetryAfterAndAHumanMessage() {
        TestUser u = users.create(1000);
        Instant acceptedFrom = clock.instant();
        assertThat(api.post("/api/v1/generate-video", u.token(), VIDEO).status())
                .isEqualTo(202);
        Instant acceptedBy = clock.instant();
        Api.Response r = api.post("/api/v1/generate-video", u.token(), VIDEO);
        assertThat(r.status()).isEqualTo(429);
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(170L, 180L);
        assertThat(r.json().get("retryAfterSeconds").asLong()).isBetween(170L, 180L);
        assertThat(r.json().get("detail").asString())
                .startsWith("Please wait 3 minutes before starting another video generation");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(1000, 25, 0));

        // after the cooldown, the in-flight cap (1 video) still refuses while the first runs
        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        Api.Response capped = api.post("/api/v1/generate-video", u.token(), VIDEO);
        assertThat(capped.status()).isEqualTo(429);
        assertThat(capped.header("Retry-After")).isEqualTo("60");
        // SPEC: the refusal's message tells the wait, as the Retry-After does; and by when, at the
        // latest, the job in flight ends (its deadline): "about a minute" alone, said again for the
        // 45 minutes a job whose provider answer was lost waits, misled
        Instant freeBy = Instant.parse(capped.json().get("freeBy").asString());
        assertThat(freeBy)
                .as("the first video's deadline (45 minutes)")
                .isBetween(acceptedFrom.plus(Duration.ofMinutes(45)), acceptedBy.plus(Duration.ofMinutes(45)));
        String deadline = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(ZoneOffset.UTC)
                .format(freeBy);
        assertThat(capped.json().get("detail").asString())
                .contains("1 video generation in progress")
                .contains("it ends by " + deadline + " UTC at the latest")
                .contains("try again in about 1 minute");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(1000, 25, 0));
    }

    @Test
    void imageCapIsTwoInFlightAndIndependentOfVideos() {
        TestUser u = users.create(1000);
        assertThat(api.post("/api/v1/generate-image", u.token(), IMAGE).status())
                .isEqualTo(202);
        assertThat(api.post("/api/v1/generate-image", u.token(), IMAGE).status())
                .isEqualTo(202);
        Api.Response third = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().get("detail").asString())
                .contains("2 image generations in progress")
                .contains("one ends by ")
                .contains("try again in about 10 seconds");
        assertThat(api.post("/api/v1/generate-video", u.token(), VIDEO).status())
                .isEqualTo(202);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(1000, 35, 0));
    }

    @Test
    void concurrentRequestsCannotSlipPastTheCap() throws Exception {
        TestUser u = users.create(1000);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Api.Response>>();
            for (int i = 0; i < 20; i++) {
                futures.add(pool.submit(() -> api.post("/api/v1/generate-video", u.token(), VIDEO)));
            }
            int accepted = 0;
            for (var f : futures) {
                Api.Response r = f.get();
                if (r.status() == 202) {
                    accepted++;
                } else {
                    assertThat(r.status()).isEqualTo(429);
                }
            }
            assertThat(accepted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(1000, 25, 0));
    }

    /**
     * SPEC: the cap check is atomic with the hold (one lock per user and asset type). Images have no
     * cooldown here, so only the in-flight cap (2) can refuse: of 20 requests released at once exactly
     * 2 are accepted and held, the other 18 get the cap's 429.
     */
    @Test
    void concurrentImageRequestsWithoutACooldownCannotSlipPastTheInFlightCap() throws Exception {
        TestUser u = users.create(1000);
        int requests = 20;
        var start = new java.util.concurrent.CyclicBarrier(requests);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(requests);
        var answers = new java.util.ArrayList<Api.Response>();
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Api.Response>>();
            for (int i = 0; i < requests; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/generate-image", u.token(), IMAGE);
                }));
            }
            for (var f : futures) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(answers.stream().filter(r -> r.status() == 202))
                .as("accepted")
                .hasSize(2);
        assertThat(answers.stream().filter(r -> r.status() != 202))
                .as("refused by the in-flight cap")
                .hasSize(requests - 2)
                .allSatisfy(r -> {
                    assertThat(r.status()).as(r.body()).isEqualTo(429);
                    assertThat(r.json().get("type").asString()).endsWith("/in-flight-limit");
                });
        assertThat(ledger.balance(u.id())).as("two holds of 5").isEqualTo(new Balance(1000, 10, 0));
    }

    @Test
    void refusalsComeInSpecOrderCheapestFirst() {
        TestUser poor = users.create(1);
        // bad input beats everything
        assertThat(api.post("/api/v1/generate-image", poor.token(), "{\"model\":\"nano-banana\",\"prompt\":\"\"}")
                        .status())
                .isEqualTo(400);
        // credits are checked last
        assertThat(api.post("/api/v1/generate-image", poor.token(), IMAGE).status())
                .isEqualTo(402);
    }
}
