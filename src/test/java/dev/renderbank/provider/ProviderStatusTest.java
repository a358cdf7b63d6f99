package dev.renderbank.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.ProviderError.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The shared fast-refusal state: tripped by 402/401 answers, cleared by a balance check, one alert each way. */
class ProviderStatusTest extends ProviderIntegrationTest {

    @Test
    void aTripIsOneTransitionWithOneAlert() {
        assertThat(status.current().available()).isTrue();

        assertThat(status.tripExhausted("KIE createTask answered 402")).isTrue();
        assertThat(status.tripExhausted("again")).isFalse();

        Availability now = status.current();
        assertThat(now.state()).isEqualTo(State.EXHAUSTED);
        assertThat(now.available()).isFalse();
        assertThat(now.detail()).isEqualTo("KIE createTask answered 402");
        assertThat(now.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);
    }

    @Test
    void concurrentTripsFromManyJobsMakeOneTransition() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> trips = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                trips.add(() -> status.tripExhausted("job " + n + " got 402"));
            }
            long transitions = 0;
            for (Future<Boolean> f : pool.invokeAll(trips)) {
                transitions += f.get() ? 1 : 0;
            }
            assertThat(transitions).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);
    }

    @Test
    void a402AtSubmitTripsExhaustedAndABalanceCheckWithCreditsClearsIt() {
        simulator.setBalance(0);
        simulator.setOutOfCredits(true);

        SubmitOutcome outcome = gateway.submit(
                new SubmitRequest("job-402", "google/nano-banana", Map.of("prompt", "a lighthouse"), null));

        assertThat(((SubmitOutcome.Rejected) outcome).error().kind()).isEqualTo(Kind.INSUFFICIENT_CREDITS);
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);

        // still empty: stays tripped, no alert
        simulator.setOutOfCredits(false);
        simulator.setBalance(0);
        assertThat(monitor.recheckWhileTripped().state()).isEqualTo(State.EXHAUSTED);
        assertThat(alertsSinceStart("provider.available")).isZero();

        simulator.setBalance(50_000);
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(alertsSinceStart("provider.available")).isEqualTo(1);
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);
    }

    /**
     * With the default settings, a refused task whose cost is not known is not tried again on the
     * balance the provider refused it with: 50 credits pay for a few images, but the provider just
     * refused a video with them. Only a higher reading (a top-up) resumes.
     */
    @Test
    void withTheDefaultsABalanceOfFiftyAfterARefusedVideoDoesNotResume() {
        simulator.setBalance(50);
        assertThat(monitor.check()).isInstanceOf(dev.renderbank.provider.BalanceOutcome.Known.class);
        simulator.setOutOfCredits(true); // the provider's video costs more than 50

        gateway.submit(new SubmitRequest("job-402-video", "sora-2-pro-text-to-video", Map.of("prompt", "a"), null));
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);

        simulator.setOutOfCredits(false);
        assertThat(monitor.recheckWhileTripped().state()).isEqualTo(State.EXHAUSTED);
        assertThat(status.resumesAt()).isEqualTo(51);
        assertThat(alertsSinceStart("provider.available")).isZero();

        simulator.setBalance(1000);
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(alertsSinceStart("provider.available")).isEqualTo(1);
    }

    @Test
    void unauthorizedIsClearedOnceTheKeyWorksAgain() {
        assertThat(status.tripUnauthorized("KIE createTask answered 401")).isTrue();
        assertThat(status.current().state()).isEqualTo(State.UNAUTHORIZED);
        assertThat(alertsSinceStart("provider.unauthorized")).isEqualTo(1);

        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        assertThat(alertsSinceStart("provider.available")).isEqualTo(1);
    }

    @Test
    void unauthorizedWithAWorkingKeyButNoCreditsBecomesExhausted() {
        status.tripUnauthorized("KIE answered 401");
        simulator.setBalance(0);

        assertThat(monitor.recheckWhileTripped().state()).isEqualTo(State.EXHAUSTED);
        assertThat(alertsSinceStart("provider.exhausted")).isEqualTo(1);
    }
    /**
     * An operator who resumes knows better than the balance check (a top-up its endpoint does not
     * show yet, a wrong threshold): the next low readings do not trip the state again, a real
     * refusal (402) does, and from then on the balance check rules as before.
     */
    @Test
    void anOperatorsResumeOutlastsLowReadingsUntilTheProviderRefusesAgain() {
        simulator.setBalance(0);
        monitor.check();
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);

        assertThat(status.resumeByOperator("resumed by ops@test.local: topped up"))
                .isTrue();
        assertThat(status.resumeByOperator("again")).isFalse();
        assertThat(status.current().available()).isTrue();
        assertThat(alertsSinceStart("provider.available")).isEqualTo(1);

        monitor.check();
        assertThat(monitor.recheckWhileTripped().available())
                .as("a reading that lags behind the top-up does not undo the operator's resume")
                .isTrue();

        simulator.setOutOfCredits(true);
        gateway.submit(new SubmitRequest("job-402-after-resume", "google/nano-banana", Map.of("prompt", "a"), null));
        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
        simulator.setOutOfCredits(false);
        assertThat(monitor.recheckWhileTripped().state()).isEqualTo(State.EXHAUSTED);

        simulator.setBalance(50_000);
        assertThat(monitor.recheckWhileTripped().available()).isTrue();
        simulator.setBalance(0);
        monitor.check();
        assertThat(status.current().state())
                .as("once a reading was enough again, a low one trips as before")
                .isEqualTo(State.EXHAUSTED);
    }

    @Test
    void anOperatorResumeOfAnAvailableProviderChangesNothing() {
        assertThat(status.resumeByOperator("nothing to resume")).isFalse();
        assertThat(status.current().detail()).isNotEqualTo("nothing to resume");
        assertThat(alertsSinceStart("provider.available")).isZero();
    }
}
