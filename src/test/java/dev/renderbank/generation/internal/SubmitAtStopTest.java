package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.JobState;
import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A polite stop while a submit waits for the provider's answer. The submit threads used to get 10 s,
 * then were interrupted (which a blocking HTTP client ignores) and left to die with the process: a
 * task created and paid for at the provider, its answer lost, the job UNKNOWN with its credits and
 * in-flight slot held until its deadline. A stop now waits for the calls under way (they are bounded
 * by the provider's submit time limit), so an answer that comes after 13 s is written.
 */
@DirtiesContext
@Import(SubmitAtStopTest.LateAnswers.class)
@TestPropertySource(
        properties = {
            // the simulator's task does not finish (and call back) meanwhile
            "renderbank.simulator.video-duration=10m",
            "renderbank.limits.cooldown.video=0"
        })
class SubmitAtStopTest extends IntegrationTest {

    /** When the provider's answer comes: past the 10 s a stop used to give a submit. */
    static final Duration ANSWER_AFTER = Duration.ofSeconds(13);

    static final CountDownLatch called = new CountDownLatch(1);

    static volatile SubmitOutcome answered;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    JobSubmitter submitter;

    @Autowired
    JobStore jobs;

    @Test
    void aStopWaitsForTheAnswerOfASubmitUnderWay() throws Exception {
        TestUser u = users.create(100);
        Api.Response r = new Api(port)
                .post("/api/v1/generate-video", u.token(), "{\"model\":\"sora-2\",\"prompt\":\"stopped mid-call\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().get("taskId").asString();
        assertThat(called.await(30, TimeUnit.SECONDS))
                .as("the submit after accept called the provider")
                .isTrue();

        submitter.destroy(); // as at a polite stop

        assertThat(answered).isInstanceOf(SubmitOutcome.Accepted.class);
        Job job = jobs.find(id).orElseThrow();
        assertThat(job.state()).isIn(JobState.SUBMITTED, JobState.RUNNING);
        assertThat(job.providerTaskId()).isEqualTo(((SubmitOutcome.Accepted) answered).providerTaskId());
    }

    /** The provider creates the task at once and its answer comes {@link #ANSWER_AFTER} later. */
    @TestConfiguration(proxyBeanMethods = false)
    static class LateAnswers {

        @Bean
        static BeanPostProcessor lateSubmitAnswers() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof ProviderGateway gateway && name.equals("providerGateway")) {
                        return new Late(gateway);
                    }
                    return bean;
                }
            };
        }

        private record Late(ProviderGateway delegate) implements ProviderGateway {

            @Override
            public SubmitOutcome submit(SubmitRequest request) {
                SubmitOutcome outcome = delegate.submit(request);
                called.countDown();
                answerLate();
                answered = outcome;
                return outcome;
            }

            /** Like a blocking HTTP client: an interrupt neither ends the wait nor is cleared. */
            private static void answerLate() {
                long until = System.nanoTime() + ANSWER_AFTER.toNanos();
                CountDownLatch never = new CountDownLatch(1);
                boolean interrupted = false;
                for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                    try {
                        never.await(left, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public QueryOutcome query(String providerModel, String providerTaskId) {
                return delegate.query(providerModel, providerTaskId);
            }

            @Override
            public BalanceOutcome balance() {
                return delegate.balance();
            }

            @Override
            public Duration submitTimeLimit() {
                return delegate.submitTimeLimit();
            }
        }
    }
}
