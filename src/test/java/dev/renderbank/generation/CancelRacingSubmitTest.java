package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The owner's cancel and the job's first submit at once (SPEC section 4: a job still waiting may be
 * cancelled, one at the provider may not, since KIE cannot cancel). Exactly one wins: a cancelled job
 * was never sent (the provider is never paid for it) and its credits are back; a sent job was not
 * cancelled and keeps its hold.
 */
class CancelRacingSubmitTest extends StubbedKieTest {

    static final int ROUNDS = 12;

    @Test
    void cancelAndSubmitAtOnceNeverBothWinAndACancelledJobIsNeverSent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int cancelled = 0;
        int sent = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                TestUser u = users.create(100);
                String prompt = "cancel or send " + round + " " + u.id();
                createTaskAnswers(
                        prompt,
                        200,
                        "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-race-" + u.id() + "\"}}");
                String id = accept(u, prompt);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Api.Response> cancel = pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return api.post("/api/v1/generations/" + id + "/cancel", u.token(), "");
                });
                Future<?> submit = pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return driver.step(id);
                });
                int status = cancel.get(30, TimeUnit.SECONDS).status();
                submit.get(30, TimeUnit.SECONDS);

                assertThat(status).isIn(200, 409);
                if (status == 200) {
                    cancelled++;
                    assertThat(createTaskCalls(prompt))
                            .as("a cancelled job is never sent")
                            .isZero();
                    assertThat(job(id).state()).isEqualTo(JobState.FAILED);
                    assertThat(job(id).errorCode()).isEqualTo("cancelled");
                    assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
                } else {
                    sent++;
                    assertThat(createTaskCalls(prompt)).isEqualTo(1);
                    assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
                    assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cancelled + sent).isEqualTo(ROUNDS);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }
}
