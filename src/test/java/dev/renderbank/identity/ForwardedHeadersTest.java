package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.support.SharedPostgres;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A client that is not a configured proxy cannot name its own address or scheme with {@code
 * X-Forwarded-For} / {@code X-Forwarded-Proto}: not under {@code prod} (native forwarded headers with
 * no internal proxy), and not on a cloud platform Spring Boot detects (Kubernetes here), where it
 * would otherwise switch Tomcat's RemoteIpValve on trusting every private address, 127.0.0.1 and the
 * addresses a cluster's own network gives to the balancer and to every other pod. A guesser there
 * would escape the sign-in throttle by writing a new address into each attempt.
 */
class ForwardedHeadersTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @Test
    void underProdTheForwardedHeadersOfAnUnconfiguredPeerAreNotBelieved(@TempDir Path dataDir) throws Exception {
        assertForwardedHeadersIgnored(
                dataDir,
                "prod",
                "--renderbank.public-url=https://renderbank.example.com",
                "--renderbank.accounts.address-hash-secret=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
                "--renderbank.provider.kie.api-key=live-kie-key",
                "--renderbank.provider.kie.base-url=http://127.0.0.1:9",
                "--renderbank.payments.provider=stripe",
                "--STRIPE_API_KEY=sk_live_forwarded",
                "--STRIPE_WEBHOOK_SECRET=whsec_forwarded",
                "--renderbank.signup.enabled=false");
    }

    @Test
    void onADetectedCloudPlatformTheForwardedHeadersOfAnUnconfiguredPeerAreNotBelieved(@TempDir Path dataDir)
            throws Exception {
        assertForwardedHeadersIgnored(dataDir, "test", "--spring.main.cloud-platform=kubernetes");
    }

    private static void assertForwardedHeadersIgnored(Path dataDir, String profile, String... more) throws Exception {
        String db = SharedPostgres.newDatabase();
        try (ConfigurableApplicationContext app = start(db, dataDir, profile, more)) {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> answer = failedSignIn(port, "198.51.100." + i, "nobody-" + i + "@test.local");
                assertThat(answer.statusCode()).isEqualTo(302);
                assertThat(answer.headers().firstValue("Location"))
                        .as("the scheme the client named is not believed")
                        .hasValueSatisfying(l -> assertThat(l).startsWith("http://localhost:" + port + "/login"));
            }
            assertThat(JdbcClient.create(app.getBean(javax.sql.DataSource.class))
                            .sql("select client from login_throttle_client")
                            .query(String.class)
                            .list())
                    .as("each attempt is counted against the peer, not the address it wrote")
                    .containsExactly("127.0.0.1");
        }
    }

    /** A wrong password sent from 127.0.0.1 with headers naming another client address and https. */
    private static HttpResponse<String> failedSignIn(int port, String forwardedFor, String email) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).isTrue();
        // the session cookie is Secure under prod: sent by hand, as a proxy terminating TLS would pass it
        String cookie = page.headers().allValues("Set-Cookie").stream()
                .map(c -> c.split(";", 2)[0])
                .reduce((a, b) -> a + "; " + b)
                .orElseThrow();
        String form = "_csrf=" + enc(m.group(1)) + "&username=" + enc(email) + "&password=wrong";
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                        .header("Cookie", cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Forwarded-For", forwardedFor)
                        .header("X-Forwarded-Proto", "https")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ConfigurableApplicationContext start(String db, Path dataDir, String profile, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + db,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--renderbank.data-dir=" + dataDir,
                "--db-scheduler.enabled=false"));
        // prod with Stripe needs each product's own price id (the built-in ones are placeholders)
        Stream.of("pack-200", "pack-500", "pack-1000", "pack-2000", "pack-5000")
                .forEach(p -> args.add("--renderbank.catalog.packs." + p + ".stripe-price-id=price_1Real" + p));
        Stream.of("pro-monthly", "proplus-monthly", "pro-yearly", "proplus-yearly")
                .forEach(p -> args.add("--renderbank.catalog.plans." + p + ".stripe-price-id=price_1Real" + p));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(RenderbankApplication.class)
                .web(WebApplicationType.SERVLET)
                .profiles(profile)
                .run(args.toArray(String[]::new));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
