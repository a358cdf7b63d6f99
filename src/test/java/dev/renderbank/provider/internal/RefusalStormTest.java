package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * When the provider runs out, many submits get 402 at once: the one that trips the state reads the
 * balance the provider refused with, and the state clears only on a higher reading. The other 402s
 * that trip again while that reading is under way must not void it; they did (it was kept only if
 * no trip came since), and with no task cost configured the state then cleared at any balance, the
 * same balance a minute later, and let in requests the provider refused again.
 */
class RefusalStormTest extends IntegrationTest {

    @Autowired
    ProviderStatus status;

    @BeforeEach
    @AfterEach
    void available() {
        status.clear("refusal storm test");
    }

    @Test
    void a402WhileTheTrippingCallReadsTheBalanceKeepsThatReading() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger balanceCalls = new AtomicInteger();
        ProviderGateway outOfCredits = new ProviderGateway() {
            @Override
            public SubmitOutcome submit(SubmitRequest request) {
                return new SubmitOutcome.Rejected(
                        new ProviderError(ProviderError.Kind.INSUFFICIENT_CREDITS, 402, "insufficient credits"));
            }

            @Override
            public QueryOutcome query(String providerModel, String providerTaskId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public BalanceOutcome balance() {
                if (balanceCalls.incrementAndGet() == 1) {
                    reading.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new BalanceOutcome.Known(50);
            }

            @Override
            public Duration submitTimeLimit() {
                return Duration.ofSeconds(1);
            }
        };
        TrippingGateway gateway = new TrippingGateway(outOfCredits, status, model -> 0);

        CompletableFuture<SubmitOutcome> first = CompletableFuture.supplyAsync(
                () -> gateway.submit(new SubmitRequest("job-storm-1", "some-model", "{}", null)));
        assertThat(reading.await(30, TimeUnit.SECONDS))
                .as("the tripping call reads the balance")
                .isTrue();
        gateway.submit(new SubmitRequest("job-storm-2", "some-model", "{}", null));
        release.countDown();
        first.get(30, TimeUnit.SECONDS);

        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
        assertThat(status.resumesAt())
                .as("the balance the provider refused with is kept: only a higher reading clears")
                .isEqualTo(51);
        assertThat(status.resume(status.tripEpoch(), 50, "the same balance")).isFalse();
        assertThat(status.resume(status.tripEpoch(), 51, "topped up")).isTrue();
    }
}
