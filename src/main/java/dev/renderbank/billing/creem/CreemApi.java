package dev.renderbank.billing.creem;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.PaymentSecrets;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * The one client of Creem's REST API (checkout, cancel and reconciliation): the configured base URL,
 * bounded connect and read times, and the {@code x-api-key} from the environment.
 */
@Component
class CreemApi {

    private final RestClient http;
    private final PaymentSecrets secrets;

    CreemApi(PaymentsProperties props, PaymentSecrets secrets) {
        var jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        var factory = new JdkClientHttpRequestFactory(jdk);
        factory.setReadTimeout(Duration.ofSeconds(20));
        this.http = RestClient.builder()
                .baseUrl(props.creem().baseUrl())
                .requestFactory(factory)
                .build();
        this.secrets = secrets;
    }

    RestClient http() {
        return http;
    }

    boolean configured() {
        return secrets.creemApiKey().isPresent();
    }

    String apiKey() {
        return secrets.creemApiKey().orElseThrow(() -> new Unavailable("CREEM_API_KEY is not set", null));
    }
}
