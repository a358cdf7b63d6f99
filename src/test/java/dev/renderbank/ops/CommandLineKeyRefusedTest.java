package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.zaxxer.hikari.HikariDataSource;
import dev.renderbank.RenderbankApplication;
import dev.renderbank.provider.Availability;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.support.Api;
import dev.renderbank.support.ChildJvm;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A command run from an operator's shell whose KIE key is stale or wrong ({@code reconcile}, which
 * asks KIE about settled jobs): KIE answers 401. That is news about the command's key, not the
 * service's: it tripped the provider status every node shares to "unauthorized", and every node
 * refused generations until the next balance check cleared it. A command now leaves that status as
 * it is, says in one line that KIE refused its key, and exits 3 (README, exit codes).
 */
class CommandLineKeyRefusedTest extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    TestUsers users;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ProviderStatus status;

    @LocalServerPort
    int port;

    @Test
    void aCommandWhoseKeyKieRefusesLeavesTheSharedStatusAloneAndSaysSo() throws Exception {
        TestUsers.TestUser u = users.create(100);
        Api api = new Api(port);
        String taskId = api.post(
                        "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"settled\"}")
                .json()
                .get("taskId")
                .asString();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> "SUCCEEDED"
                        .equals(jdbc.sql("select state from generation_job where id = :id")
                                .param("id", taskId)
                                .query(String.class)
                                .single()));
        Availability before = status.current();
        assertThat(before.available()).as("%s", before).isTrue();
        WireMockServer kie = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        kie.start();
        try {
            kie.stubFor(WireMock.any(anyUrl())
                    .willReturn(aResponse()
                            .withStatus(401)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"code\":401,\"msg\":\"You do not have access permissions\"}")));
            HikariDataSource db = dataSource.unwrap(HikariDataSource.class);
            ChildJvm cli = ChildJvm.start(
                    Path.of("target", "cli-" + UUID.randomUUID() + ".log"),
                    false,
                    RenderbankApplication.class.getName(),
                    "reconcile",
                    "--spring.datasource.url=" + db.getJdbcUrl(),
                    "--spring.datasource.username=" + db.getUsername(),
                    "--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                    "--renderbank.provider.kie.base-url=" + kie.baseUrl(),
                    "--renderbank.provider.kie.api-key=stale-operator-key",
                    "--renderbank.ops.reconcile.settle=0s");
            assertThat(cli.process().waitFor(120, TimeUnit.SECONDS))
                    .as("the command ends")
                    .isTrue();

            assertThat(kie.findAll(anyRequestedFor(anyUrl())))
                    .as("the command asked KIE with its key")
                    .isNotEmpty();
            assertThat(status.current())
                    .as("the provider status every node shares: %s", cli.tail())
                    .isEqualTo(before);
            assertThat(cli.process().exitValue()).as(cli.tail()).isEqualTo(OpsCli.FAILED);
            assertThat(cli.output())
                    .as(cli.tail())
                    .contains("error: KIE refused this command's API key (401")
                    .contains("renderbank.provider.kie.api-key");
            TestUsers.TestUser another = users.create(100); // u's cooldown would answer 429
            assertThat(api.post(
                                    "/api/v1/generate-image",
                                    another.token(),
                                    "{\"model\":\"nano-banana\",\"prompt\":\"still accepted\"}")
                            .status())
                    .as("the service still accepts generations")
                    .isEqualTo(202);
        } finally {
            kie.stop();
            if (!status.current().available()) {
                status.clear("test: the command line's refusal tripped the shared status");
            }
        }
    }
}
