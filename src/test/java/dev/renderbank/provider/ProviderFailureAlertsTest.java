package dev.renderbank.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.provider.internal.BalanceMonitor;
import dev.renderbank.provider.internal.ProviderTestSupport;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A provider outage is an incident operators hear of: every call failing (5xx, then refused by the
 * open circuit breaker) for {@code renderbank.provider.kie.failing-alert-after} raises {@code
 * provider.failing} once per spell and the next answer {@code provider.recovered}; balance checks
 * failing for {@code renderbank.provider.balance.unknown-alert-after} raise {@code
 * provider.balance.unknown} (and {@code provider.balance.known} when one reads it again), and the
 * dashboard says how old the balance it shows is. WireMock stands in for KIE.ai.
 */
class ProviderFailureAlertsTest extends IntegrationTest {

    static final WireMockServer KIE =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        KIE.start();
        Runtime.getRuntime().addShutdownHook(new Thread(KIE::stop));
    }

    @DynamicPropertySource
    static void kie(DynamicPropertyRegistry r) {
        r.add("renderbank.provider.kie.base-url", KIE::baseUrl);
        r.add("renderbank.provider.kie.api-key", () -> "test-kie-key");
        r.add("renderbank.provider.kie.failing-alert-after", () -> "10m");
        r.add("renderbank.provider.balance.unknown-alert-after", () -> "30m");
    }

    @Autowired
    ProviderGateway gateway;

    @Autowired
    BalanceMonitor monitor;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Users users;

    @LocalServerPort
    int port;

    long mark;

    static void creditAnswers(long credits) {
        KIE.stubFor(get(urlPathEqualTo("/api/v1/chat/credit"))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":" + credits + "}")));
    }

    static void creditFails() {
        KIE.stubFor(get(urlPathEqualTo("/api/v1/chat/credit"))
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":500,\"msg\":\"internal error\"}")));
    }

    /** The provider answers, as the last test left it or not: each test starts from a provider that copes. */
    @BeforeEach
    void answering() {
        KIE.resetAll();
        ProviderTestSupport.resetBreaker(gateway);
        creditAnswers(9000);
        assertThat(monitor.check()).isEqualTo(new BalanceOutcome.Known(9000));
        mark = jdbc.sql("select coalesce(max(id), 0) from operator_alert")
                .query(Long.class)
                .single();
    }

    long alerts(String kind) {
        return jdbc.sql("select count(*) from operator_alert where kind = :kind and id > :mark")
                .param("kind", kind)
                .param("mark", mark)
                .query(Long.class)
                .single();
    }

    @Test
    void callsFailingPastTheThresholdAlertOncePerSpellAndTheNextAnswerSaysItRecovered() {
        clock.freeze();
        creditFails();
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.balance()).isInstanceOf(BalanceOutcome.Unavailable.class);
        }
        clock.advance(Duration.ofMinutes(9));
        gateway.balance();
        assertThat(alerts("provider.failing"))
                .as("9 minutes of failures is under the threshold")
                .isZero();

        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 15; i++) { // the breaker opens on the way: refused calls fail the same
            gateway.balance();
        }
        assertThat(meters.get("renderbank.provider.circuit.open").gauge().value())
                .isEqualTo(1.0);
        assertThat(alerts("provider.failing")).isEqualTo(1);
        clock.advance(Duration.ofMinutes(30));
        gateway.balance();
        assertThat(alerts("provider.failing"))
                .as("once per spell, not per failed call")
                .isEqualTo(1);
        assertThat(alerts("provider.recovered")).isZero();

        creditAnswers(8000);
        ProviderTestSupport.resetBreaker(gateway); // the breaker's own wait is real time (30 s)
        assertThat(gateway.balance()).isEqualTo(new BalanceOutcome.Known(8000));
        gateway.balance();
        assertThat(alerts("provider.recovered")).isEqualTo(1);

        // the next outage is a spell of its own
        creditFails();
        gateway.balance();
        clock.advance(Duration.ofMinutes(11));
        gateway.balance();
        assertThat(alerts("provider.failing")).isEqualTo(2);
    }

    @Test
    void failingBalanceChecksAlertAfterTheThresholdAndTheDashboardSaysHowOldTheBalanceIs() throws Exception {
        clock.freeze();
        Api api = new Api(port);
        BrowserSession admin = BrowserSession.signIn(
                port,
                users.create("pb" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.ADMIN, true)
                        .email(),
                "a-long-password-123");
        assertThat(admin.get("/admin").body()).contains("read less than a minute ago");

        creditFails();
        monitor.check();
        JsonNode reading =
                api.get("/api/v1/admin/dashboard", ADMIN_TOKEN).json().get("balanceReading");
        assertThat(reading.get("credits").asLong()).isEqualTo(9000);
        assertThat(reading.get("failingSince").isNull()).isFalse();
        assertThat(reading.get("lastError").asString())
                .as("the last error in words, not a Java record")
                .contains("500")
                .doesNotContain("ProviderError[")
                .doesNotContain("Unavailable[");
        assertThat(alerts("provider.balance.unknown")).isZero();

        clock.advance(Duration.ofMinutes(31));
        monitor.check();
        monitor.check();
        assertThat(alerts("provider.balance.unknown")).isEqualTo(1);
        assertThat(meters.get("renderbank.provider.balance.age.seconds").gauge().value())
                .isGreaterThanOrEqualTo(31 * 60);
        String page = admin.get("/admin").body();
        assertThat(page).contains("not read for 31 min").contains("The balance check has failed for");

        creditAnswers(7000);
        monitor.check();
        monitor.check();
        assertThat(alerts("provider.balance.known")).isEqualTo(1);
        assertThat(alerts("provider.balance.unknown")).isEqualTo(1);
        assertThat(admin.get("/admin").body())
                .contains("read less than a minute ago")
                .doesNotContain("The balance check has failed for");
        assertThat(api.get("/api/v1/admin/dashboard", ADMIN_TOKEN)
                        .json()
                        .get("balanceReading")
                        .get("failingSince")
                        .isNull())
                .isTrue();
    }
}
