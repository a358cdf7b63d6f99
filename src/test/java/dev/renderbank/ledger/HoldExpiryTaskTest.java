package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The ledger expires its own overdue holds on its own schedule: no other module's sweeper is needed
 * (generation's is held off here for an hour).
 */
@TestPropertySource(properties = {"renderbank.ledger.hold-expiry-interval=300ms", "renderbank.jobs.sweep-interval=1h"})
class HoldExpiryTaskTest extends IntegrationTest {

    @Autowired
    Ledger ledger;

    @Autowired
    TestUsers users;

    @Test
    void anOverdueHoldIsExpiredAndItsCreditsComeBackWithoutAnyOtherModule() {
        TestUser u = users.create(100);
        String key = "expiry-task-" + UUID.randomUUID();
        assertThat(ledger.reserve(u.id(), 30, key, Duration.ofMinutes(1))).isInstanceOf(ReserveResult.Reserved.class);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 30, 0));

        clock.advance(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(ledger.hold(key).orElseThrow().state()).isEqualTo(HoldState.EXPIRED));
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }
}
