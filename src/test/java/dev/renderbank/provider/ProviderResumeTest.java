package dev.renderbank.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The exhausted state resumes only when the provider would take what it refused: at a balance of at
 * least the refused task's cost (and the resume threshold, set low here so that the cost decides),
 * and only on a balance reading that began after the latest trip. The simulator charges a video
 * {@value KieSimulator#VIDEO_COST} of its credits and answers 402 below that.
 */
@TestPropertySource(
        properties = {
            "renderbank.provider.balance.resume-threshold=10",
            // no scheduled balance reads during a test: the test makes each one itself
            "renderbank.provider.balance.check-interval=1h",
            "renderbank.provider.balance.recheck-interval=1h",
            "renderbank.limits.cooldown.video=0",
            "renderbank.limits.in-flight.video=0"
        })
@Import(ProviderResumeTest.HeldBalanceReads.class)
class ProviderResumeTest extends ProviderIntegrationTest {

    private static final String VIDEO = "{\"model\":\"sora-2\",\"prompt\":\"a lighthouse at dusk\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @AfterEach
    void letGo() {
        HeldBalanceReads.stop();
    }

    @Test
    void aBalanceThatPaysForImagesButNotForTheRefusedVideoKeepsRefusingVideos() {
        Api api = new Api(port);
        TestUser u = users.create(1000);
        simulator.setBalance(20); // over the resume threshold, under a video's cost

        Api.Response accepted = api.post("/api/v1/generate-video", u.token(), VIDEO);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode failed = api.awaitTerminal(accepted.json().get("taskId").asString(), u.token());
        assertThat(failed.get("error").get("code").asString()).isEqualTo("provider_insufficient_credits");
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);

        // the minute's recheck reads 20: not enough for the video the provider refused
        assertThat(monitor.recheckWhileTripped().state()).isEqualTo(State.EXHAUSTED);
        Api.Response refused = api.post("/api/v1/generate-video", u.token(), VIDEO);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(alertsSinceStart("provider.available")).isZero();
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);
        assertThat(status.resumesAt()).isEqualTo(KieSimulator.VIDEO_COST);

        // topped up past the video's cost: resumes once, with one alert
        simulator.setBalance(KieSimulator.VIDEO_COST + 10);
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(alertsSinceStart("provider.available")).isEqualTo(1);
        assertThat(status.resumesAt()).isEqualTo(10);
        assertThat(api.post("/api/v1/generate-video", u.token(), VIDEO).status())
                .isEqualTo(202);
    }

    @Test
    void aBalanceReadingThatBeganBeforeA402NeverClearsTheTripThat402Made() throws Exception {
        simulator.setBalance(500);
        // the reading is answered (all the credits the simulator has) and held there, before the 402 lands
        CompletableFuture<BalanceOutcome> reading = HeldBalanceReads.start(() -> monitor.check());
        HeldBalanceReads.awaitAnswered();

        simulator.setOutOfCredits(true);
        SubmitOutcome refused = gateway.submit(
                new SubmitRequest("job-stale-read", "sora-2-text-to-video", Map.of("prompt", "a lighthouse"), null));
        assertThat(refused).isInstanceOf(SubmitOutcome.Rejected.class);
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);

        HeldBalanceReads.release();
        assertThat(reading.get(30, TimeUnit.SECONDS)).isInstanceOf(BalanceOutcome.Known.class);
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
        assertThat(alertsSinceStart("provider.available")).isZero();

        // a reading that begins after the trip, the account topped up and taking tasks again, clears it
        simulator.setOutOfCredits(false);
        simulator.setBalance(600);
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(alertsSinceStart("provider.available")).isEqualTo(1);
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);
    }

    /**
     * Holds the provider's answer to a balance read made on one chosen thread until the test lets go:
     * the read went over HTTP to the simulator and came back, and is handed to the monitor only later.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class HeldBalanceReads {

        private static volatile Thread held;
        private static volatile CountDownLatch answered = new CountDownLatch(1);
        private static volatile CountDownLatch released = new CountDownLatch(1);

        static <T> CompletableFuture<T> start(java.util.function.Supplier<T> call) {
            answered = new CountDownLatch(1);
            released = new CountDownLatch(1);
            CompletableFuture<T> result = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    result.complete(call.get());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            held = t;
            t.start();
            return result;
        }

        static void awaitAnswered() throws InterruptedException {
            assertThat(answered.await(30, TimeUnit.SECONDS))
                    .as("the balance read was answered")
                    .isTrue();
        }

        static void release() {
            released.countDown();
        }

        static void stop() {
            held = null;
            released.countDown();
        }

        @Bean
        static BeanPostProcessor holdBalanceReads() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof ProviderGateway gateway && name.equals("providerGateway")) {
                        return new Holding(gateway);
                    }
                    return bean;
                }
            };
        }

        private record Holding(ProviderGateway delegate) implements ProviderGateway {

            @Override
            public SubmitOutcome submit(SubmitRequest request) {
                return delegate.submit(request);
            }

            @Override
            public QueryOutcome query(String providerModel, String providerTaskId) {
                return delegate.query(providerModel, providerTaskId);
            }

            @Override
            public BalanceOutcome balance() {
                BalanceOutcome outcome = delegate.balance();
                if (Thread.currentThread() == held) {
                    answered.countDown();
                    try {
                        released.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return outcome;
            }

            @Override
            public Duration submitTimeLimit() {
                return delegate.submitTimeLimit();
            }
        }
    }
}
