package dev.renderbank.billing.creem;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.PaymentSecrets;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one client of Creem's REST API (checkout, cancel and reconciliation): the configured base URL,
 * bounded connect and read times, and the {@code x-api-key} from the environment.
 */
@Component
class CreemApi {

    private static final JsonMapper JSON = JsonMapper.shared();

    /** Built on the first call: a JDK client builds the default TLS context, which a start need not wait for. */
    private final SingletonSupplier<RestClient> http;

    private final PaymentSecrets secrets;

    CreemApi(PaymentsProperties props, PaymentSecrets secrets) {
        String baseUrl = props.creem().baseUrl();
        this.http = SingletonSupplier.of(() -> client(baseUrl));
        this.secrets = secrets;
    }

    private static RestClient client(String baseUrl) {
        var jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        var factory = new JdkClientHttpRequestFactory(jdk);
        factory.setReadTimeout(Duration.ofSeconds(20));
        return RestClient.builder().baseUrl(baseUrl).requestFactory(factory).build();
    }

    RestClient http() {
        return http.obtain();
    }

    boolean configured() {
        return secrets.creemApiKey().isPresent();
    }

    String apiKey() {
        return secrets.creemApiKey().orElseThrow(() -> new Unavailable("CREEM_API_KEY is not set", null));
    }

    /**
     * One object read by id, as Creem's API answers {@code GET <path>?<param>=<id>} (its retrieve
     * endpoints take the id as a query parameter): empty if Creem has no such object (404).
     *
     * @throws Unavailable if Creem cannot be asked or answers with an error
     */
    Optional<JsonNode> read(String path, String param, String id) {
        String body;
        try {
            body = http().get()
                    .uri(u -> u.path(path).queryParam(param, id).build())
                    .header("x-api-key", apiKey())
                    .retrieve()
                    .body(String.class);
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                return Optional.empty();
            }
            throw new Unavailable("Creem " + path + " " + id + " could not be read: " + e.getMessage(), e);
        } catch (RestClientException e) {
            throw new Unavailable("Creem " + path + " " + id + " could not be read: " + e.getMessage(), e);
        }
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(body));
        } catch (JacksonException e) {
            // a proxy's or maintenance page answered 200: Creem did not answer, nothing is known
            throw new Unavailable("Creem " + path + " " + id + " answered something that is not JSON", e);
        }
    }
}
