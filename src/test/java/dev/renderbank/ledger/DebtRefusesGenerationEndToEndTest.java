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
 * generations are refused with 402 and the debt; credits a job held at the time pay the debt when
 * they come free, the next grant pays the rest first, and then generating works again. Over HTTP, through the
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
        // bought 100, spent 40, and a job held the other 60 when the purchase was disputed: nothing
        // available to take back, so all 100 became debt, 60 of it beside the job's held credits
        String purchase = "purchase-" + UUID.randomUUID();
        ledger.grant(u.id(), 100, GrantSource.PURCHASE, purchase, null, "pack");
        String spent = "job-" + UUID.randomUUID();
        ledger.reserve(u.id(), 40, spent, Duration.ofMinutes(10));
        ledger.capture(spent);
        String job = "job-" + UUID.randomUUID();
        ledger.reserve(u.id(), 60, job, Duration.ofMinutes(10));
        ledger.clawback(purchase, 100, "dispute-" + UUID.randomUUID(), "chargeback");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(60, 60, 100));

        Api.Response refused = api.post("/api/v1/generate-image", u.token(), IMAGE);

        assertThat(refused.status()).as(refused.body()).isEqualTo(402);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = refused.json();
        assertThat(problem.get("debt").asLong()).isEqualTo(100);
        assertThat(problem.get("needed").asLong()).isEqualTo(5);
        assertThat(problem.get("available").asLong()).isZero();
        assertThat(problem.get("detail").asString()).contains("You owe 100 credits");
        assertThat(api.get("/api/v1/generations?limit=5", u.token())
                        .json()
                        .get("items")
                        .size())
                .isZero();

        // the job fails: its 60 credits come free and pay 60 of the debt at once; 40 are still owed
        ledger.release(job, "provider failed");
        JsonNode credits = api.get("/api/v1/credits", u.token()).json();
        assertThat(credits.get("debt").asLong()).isEqualTo(40);
        assertThat(credits.get("held").asLong()).isZero();
        assertThat(credits.get("available").asLong()).isZero();
        Api.Response stillOwing = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(stillOwing.status()).as(stillOwing.body()).isEqualTo(402);
        assertThat(stillOwing.json().get("debt").asLong()).isEqualTo(40);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 40));

        // the next grant pays the debt first; then the same request is accepted and holds the price
        GrantResult paid =
                ledger.grant(u.id(), 100, GrantSource.PURCHASE, "purchase-" + UUID.randomUUID(), null, "pack");
        assertThat(paid.paidDebt()).isEqualTo(40);
        Api.Response accepted = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().get("creditsHeld").asLong()).isEqualTo(5);
        assertThat(ledger.balance(u.id()).debt()).isZero();
    }
}
