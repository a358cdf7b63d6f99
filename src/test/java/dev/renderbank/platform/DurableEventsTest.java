package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.EmailVerified;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Events are stored with the change that caused them, handled after commit, retried, never lost. */
@Import(DurableEventsTest.FlakyHandlerConfig.class)
class DurableEventsTest extends IntegrationTest {

    @Autowired
    DurableEvents events;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    FlakyHandler flaky;

    private static int n;

    private UserAccount unverifiedUser() {
        return users.create(
                "durable-" + (++n) + "-" + System.nanoTime() + "@test.local",
                "correct horse battery",
                Role.USER,
                false);
    }

    private long pendingTasks(String instance) {
        return jdbc.sql("select count(*) from scheduled_tasks where task_name = 'durable-event' and task_instance = :i")
                .param("i", instance)
                .query(Long.class)
                .single();
    }

    @Test
    void theEventIsStoredInTheTransactionOfItsCauseAndARollbackLeavesNothing() {
        UserAccount u = unverifiedUser();
        String instance = "billing.signup-bonus:email-verified:" + u.id();
        tx.executeWithoutResult(status -> {
            assertThat(users.markEmailVerified(u.id())).isTrue();
            // written in this transaction: a crash right after the commit cannot lose it
            assertThat(pendingTasks(instance)).isEqualTo(1);
            status.setRollbackOnly();
        });
        assertThat(pendingTasks(instance)).isZero();
        assertThat(users.byId(u.id()).orElseThrow().emailVerified()).isFalse();
        assertThat(ledger.balance(u.id()).available()).isZero();

        // the same change committed: the bonus follows, once
        assertThat(users.markEmailVerified(u.id())).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(ledger.balance(u.id()).available()).isEqualTo(15));
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingTasks(instance) == 0);
    }

    @Test
    void publishingOutsideATransactionIsABug() {
        assertThatThrownBy(() -> events.publish(new EmailVerified(-1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the transaction");
    }

    @Test
    void aFailingHandlerIsRetriedUntilItSucceedsAndTheSameKeyIsScheduledOnce() {
        tx.executeWithoutResult(s -> {
            assertThat(events.publish(new Ping("p1"))).isEqualTo(1);
            assertThat(events.publish(new Ping("p1"))).isEqualTo(1); // same key: still one task
        });
        assertThat(pendingTasks("test.flaky:ping:p1")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> flaky.succeeded.containsKey("p1"));
        assertThat(flaky.attempts.get()).isEqualTo(2); // failed once, retried once, then done
        assertThat(flaky.succeeded.get("p1")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingTasks("test.flaky:ping:p1") == 0);
    }

    @Test
    void backoffDoublesFromFiveSecondsAndStopsGrowingAtAnHour() {
        assertThat(DurableEventTasks.Backoff.delay(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(DurableEventTasks.Backoff.delay(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurableEventTasks.Backoff.delay(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(DurableEventTasks.Backoff.delay(11)).isEqualTo(Duration.ofHours(1));
        assertThat(DurableEventTasks.Backoff.delay(500)).isEqualTo(Duration.ofHours(1));
    }

    public record Ping(String id) implements DurableEvent {
        @Override
        public String key() {
            return "ping:" + id;
        }
    }

    /** Fails its first attempt, then counts successes per event. */
    static class FlakyHandler implements DurableEventHandler<Ping> {
        final AtomicInteger attempts = new AtomicInteger();
        final Map<String, Integer> succeeded = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "test.flaky";
        }

        @Override
        public Class<Ping> eventType() {
            return Ping.class;
        }

        @Override
        public void handle(Ping event) {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            succeeded.merge(event.id(), 1, Integer::sum);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class FlakyHandlerConfig {
        @Bean
        FlakyHandler flakyHandler() {
            return new FlakyHandler();
        }
    }
}
