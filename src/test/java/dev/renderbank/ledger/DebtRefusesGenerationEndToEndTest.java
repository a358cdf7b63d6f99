package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * SPEC 3: while a user owes credits (a refund or dispute took back more than was available), new
 * generations are refused with 402 and the debt, even when the user has credits available; the
 * next grant pays the debt first, and then generating works again. Over HTTP, through the
 * product's real reserve path (inside the accept transaction).
 */
class DebtRefusesGenerationEndToEndTest extends IntegrationTest {

    private static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Test
    void aUserWithDebtGets402WithTheDebtAndNothingIsHeldUntilAGrantPaysIt() {
        Api api = new Api(port);
        TestUser u = users.create(0);
        // bought 100, all of it held by a job when the purchase was disputed: nothing to take back, so
        // all 100 became debt; the job was then released, leaving 100 available and 100 owed
        String purchase = "purchase-" + UUID.randomUUID();
        ledger.grant(u.id(), 100, GrantSource.PURCHASE, purchase, null, "pack");
        String job = "job-" + UUID.randomUUID();
        ledger.reserve(u.id(), 100, job, Duration.ofMinutes(10));
        ledger.clawback(purchase, 100, "dispute-" + UUID.randomUUID(), "chargeback");
        ledger.release(job, "cancelled");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 100));

        Api.Response refused = api.post("/api/v1/generate-image", u.token(), IMAGE);

        assertThat(refused.status()).as(refused.body()).isEqualTo(402);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = refused.json();
        assertThat(problem.get("debt").asLong()).isEqualTo(100);
        assertThat(problem.get("needed").asLong()).isEqualTo(5);
        assertThat(problem.get("available").asLong()).isEqualTo(100);
        assertThat(problem.get("detail").asString()).contains("You owe 100 credits");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 100));
        assertThat(api.get("/api/v1/generations?limit=5", u.token())
                        .json()
                        .get("items")
                        .size())
                .isZero();
        JsonNode credits = api.get("/api/v1/credits", u.token()).json();
        assertThat(credits.get("debt").asLong()).isEqualTo(100);
        assertThat(credits.get("held").asLong()).isZero();

        // the next grant pays the debt first; then the same request is accepted and holds the price
        GrantResult paid =
                ledger.grant(u.id(), 100, GrantSource.PURCHASE, "purchase-" + UUID.randomUUID(), null, "pack");
        assertThat(paid.paidDebt()).isEqualTo(100);
        Api.Response accepted = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().get("creditsHeld").asLong()).isEqualTo(5);
        assertThat(ledger.balance(u.id()).debt()).isZero();
    }
}
