package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads send the same key at the same moment: exactly one of them changes the books. */
class SameKeyRaceTest extends LedgerTestSupport {

    private static final int RACERS = 16;
    private static final int ROUNDS = 40;

    private final ExecutorService pool = Executors.newFixedThreadPool(RACERS);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void captureAndReleaseOfOneHoldRaceAndExactlyOneWins() throws Exception {
        long user = fundedUser(10_000);
        for (int round = 0; round < ROUNDS; round++) {
            String key = key("job");
            ledger.reserve(user, 5, key, TTL);

            List<Object> results =
                    race(i -> () -> i % 2 == 0 ? (Object) ledger.capture(key) : ledger.release(key, "x"));

            List<Hold> winners = new ArrayList<>();
            for (Object r : results) {
                if (r instanceof CaptureResult.Captured c) {
                    winners.add(c.hold());
                } else if (r instanceof ReleaseResult.Released rel) {
                    winners.add(rel.hold());
                }
            }
            assertThat(winners).hasSize(1);
            HoldState won = winners.get(0).state();
            assertThat(ledger.hold(key)).get().extracting(Hold::state).isEqualTo(won);
            // the winner's side sees repeats of its own settlement, the losing side that it lost
            for (Object r : results) {
                if (won == HoldState.CAPTURED) {
                    assertThat(r)
                            .isInstanceOfAny(
                                    CaptureResult.Captured.class,
                                    CaptureResult.AlreadyCaptured.class,
                                    ReleaseResult.AlreadyCaptured.class);
                } else {
                    assertThat(r)
                            .isInstanceOfAny(
                                    ReleaseResult.Released.class,
                                    ReleaseResult.AlreadyReleased.class,
                                    CaptureResult.AlreadyReleased.class);
                }
            }
            assertThat(entries(key, "CAPTURE") + entries(key, "RELEASE")).isEqualTo(1);
        }
        assertThat(ledger.balance(user).held()).isZero();
    }

    @Test
    void theSameReserveFromManyThreadsHoldsOnce() throws Exception {
        long user = fundedUser(10_000);
        for (int round = 0; round < ROUNDS; round++) {
            String key = key("job");

            List<ReserveResult> results = race(i -> () -> ledger.reserve(user, 7, key, TTL));

            assertThat(results).allMatch(r -> r instanceof ReserveResult.Reserved);
            assertThat(results)
                    .filteredOn(r -> !((ReserveResult.Reserved) r).repeated())
                    .hasSize(1);
            assertThat(entries(key, "HOLD")).isEqualTo(1);
        }
        assertThat(ledger.balance(user)).isEqualTo(new Balance(10_000, 7 * ROUNDS, 0));
    }

    @Test
    void theLastCreditsGoToExactlyOneOfManyReserves() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            long user = fundedUser(10);

            List<ReserveResult> results = race(i -> () -> ledger.reserve(user, 10, key("job"), TTL));

            assertThat(results)
                    .filteredOn(ReserveResult.Reserved.class::isInstance)
                    .hasSize(1);
            assertThat(results)
                    .filteredOn(ReserveResult.InsufficientCredits.class::isInstance)
                    .hasSize(RACERS - 1);
            assertThat(ledger.balance(user)).isEqualTo(new Balance(10, 10, 0));
        }
    }

    @Test
    void theSameGrantFromManyThreadsGrantsOnce() throws Exception {
        long user = newUser();
        for (int round = 0; round < ROUNDS; round++) {
            String key = key("purchase");

            List<GrantResult> results = race(i -> () -> ledger.grant(user, 100, GrantSource.PURCHASE, key, null, null));

            assertThat(results)
                    .filteredOn(GrantResult.Granted.class::isInstance)
                    .hasSize(1);
            assertThat(results)
                    .filteredOn(GrantResult.AlreadyGranted.class::isInstance)
                    .hasSize(RACERS - 1);
            assertThat(results)
                    .extracting(GrantResult::grantId)
                    .containsOnly(results.get(0).grantId());
        }
        assertThat(ledger.balance(user).balance()).isEqualTo(100L * ROUNDS);
    }

    @Test
    void theSameClawbackFromManyThreadsTakesOnce() throws Exception {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, 1_000, GrantSource.PURCHASE, grant, null, null);
        for (int round = 0; round < 10; round++) {
            String refund = key("refund");

            List<ClawbackResult> results = race(i -> () -> ledger.clawback(grant, 10, refund, "refund"));

            assertThat(results)
                    .filteredOn(r -> r instanceof ClawbackResult.ClawedBack c && !c.repeated())
                    .hasSize(1);
        }
        assertThat(ledger.balance(user).balance()).isEqualTo(900);
    }

    @Test
    void captureRacingTheExpirySweepNeverCharges() throws Exception {
        long user = fundedUser(10_000);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String key = key("job");
            ledger.reserve(user, 5, key, Duration.ofMinutes(1));
            keys.add(key);
        }
        clock.advance(Duration.ofMinutes(2));

        race(i -> () -> {
            if (i == 0) {
                return ledger.expireDue(clock.instant());
            }
            keys.forEach(ledger::capture);
            return 0;
        });

        for (String key : keys) {
            assertThat(ledger.hold(key)).get().extracting(Hold::state).isEqualTo(HoldState.EXPIRED);
            assertThat(entries(key, "EXPIRE")).isEqualTo(1);
        }
        assertThat(ledger.balance(user)).isEqualTo(new Balance(10_000, 0, 0));
    }

    /** Runs {@link #RACERS} calls released at the same instant and returns their outcomes. */
    private <T> List<T> race(IntFunction<Callable<T>> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            Callable<T> c = call.apply(i);
            futures.add(pool.submit(() -> {
                start.await();
                return c.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(1, TimeUnit.MINUTES));
        }
        return results;
    }
}
