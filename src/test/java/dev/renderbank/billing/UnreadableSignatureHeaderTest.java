package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A signature header that cannot even be read ({@code t=x}, a bare {@code t}, a {@code v1} without
 * its value) is a bad signature like any other: 401 {@code bad-signature}, counted towards the
 * {@code billing.webhook.signature} alert and its metric, and logged at most once a second. It is
 * anyone's to send, so a flood of them must not write a line each on the security logger.
 */
class UnreadableSignatureHeaderTest extends BillingIntegrationTest {

    private final Logger security = (Logger) LoggerFactory.getLogger("dev.renderbank.security");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @Autowired
    MeterRegistry meters;

    UnreadableSignatureHeaderTest() {
        lines.start();
        security.addAppender(lines);
    }

    @AfterEach
    void detach() {
        security.detachAppender(lines);
    }

    private double refused(String provider) {
        Counter c = meters.find("renderbank.webhook.signature.failures")
                .tag("provider", provider)
                .counter();
        return c == null ? 0 : c.count();
    }

    private HttpResponse<String> post(String path, String header, String value) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .header(header, value)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"id\":\"evt_x\",\"type\":\"checkout.session.completed\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStripeSignatureHeaderThatCannotBeReadIsABadSignatureCountedAndLoggedOnceASecond() throws Exception {
        String[] unreadable = {"t=x", "t", "t=1,v1", "t=,v1=", "t=99999999999999999999,v1=ab"};
        double before = refused("stripe");
        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r =
                    post("/api/webhooks/stripe", "Stripe-Signature", unreadable[i % unreadable.length]);
            assertThat(r.statusCode())
                    .as(unreadable[i % unreadable.length] + ": " + r.body())
                    .isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(r.body()).contains("/problems/bad-signature");
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        assertThat(refused("stripe") - before).as("every refusal counted").isEqualTo(50);
        assertThat(written("stripe"))
                .as("at most a line a second (%d s passed)", seconds)
                .hasSizeLessThanOrEqualTo(1 + (int) seconds);
    }

    /** Creem's header is compared as text: whatever it holds, it is a bad signature, counted. */
    @Test
    void anyCreemSignatureHeaderThatDoesNotMatchIsABadSignatureCountedAndLoggedOnceASecond() throws Exception {
        String[] odd = {"t=x", "zz", "é", "0".repeat(64) + "\u00ff", ",", "v1="};
        double before = refused("creem");
        long started = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = post("/api/webhooks/creem", "creem-signature", odd[i % odd.length]);
            assertThat(r.statusCode()).as(odd[i % odd.length] + ": " + r.body()).isEqualTo(401);
            assertThat(r.body()).contains("/problems/bad-signature");
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        assertThat(refused("creem") - before).isEqualTo(50);
        assertThat(written("creem")).hasSizeLessThanOrEqualTo(1 + (int) seconds);
    }

    private List<String> written(String provider) {
        return lines.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("Refused " + provider + " webhook"))
                .toList();
    }
}
