package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.provider.simulator.OtherProcessSimulator;
import dev.renderbank.support.IntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The command line ({@code java -jar renderbank.jar reconcile}, a process without a web server) with
 * the built-in simulator and no {@code renderbank.simulator.api-key}: its simulator's key is drawn at
 * its own start, and no simulator is served in that process. It called the service's simulator (the
 * service's port) with that key, was refused 401, and took it for KIE refusing our API key: it
 * tripped the shared provider state to UNAUTHORIZED, so the running service refused every new
 * generation with 503 and alerted the operators, while the reconciliation only said "could not be
 * queried". Such a process now does not call at all and says why.
 */
class SimulatorOfAnotherProcessTest extends IntegrationTest {

    @Autowired
    ProviderProperties properties;

    @Autowired
    ProviderStatus status;

    @Autowired
    KieSimulator servicesSimulator;

    @Autowired
    ProviderGateway servicesGateway;

    @Autowired
    dev.renderbank.platform.OperatorAlerts alerts;

    @LocalServerPort
    int port;

    @Test
    void aProcessWithoutTheSimulatorsKeySaysSoAndLeavesTheProviderStateAlone() {
        String task = ((SubmitOutcome.Accepted) servicesGateway.submit(
                        new SubmitRequest("job-other-process", "google/nano-banana", Map.of("prompt", "x"), null)))
                .providerTaskId();
        ProviderGateway commandLine = new ProviderConfig()
                .providerGateway(
                        properties,
                        OtherProcessSimulator.withoutServer(port),
                        status,
                        new SimpleMeterRegistry(),
                        alerts,
                        clock,
                        dev.renderbank.platform.ProcessRole.SERVICE,
                        new dev.renderbank.provider.CommandLineKeyRefusal());
        try {
            QueryOutcome answer = commandLine.queryFinished("google/nano-banana", task);

            assertThat(answer).isInstanceOfSatisfying(QueryOutcome.Unavailable.class, u -> {
                assertThat(u.error().kind()).isEqualTo(ProviderError.Kind.UNAVAILABLE);
                assertThat(u.error().message()).contains("renderbank.simulator.api-key", "Run now");
            });
            assertThat(commandLine.balance()).isInstanceOf(BalanceOutcome.Unavailable.class);
            assertThat(status.current().available())
                    .as("the service's provider state: %s", status.current())
                    .isTrue();
            assertThat(servicesGateway.queryFinished("google/nano-banana", task))
                    .as("the service itself still reads its simulator")
                    .isNotInstanceOf(QueryOutcome.Unavailable.class);
        } finally {
            status.clear("test: the command line's refusal, if it tripped the state");
        }
    }
}
