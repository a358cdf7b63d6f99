package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * The public URL is on every job's submit (its callback URL): resolving it through the
 * Environment's property sources per call cost ~9 % of the submit threads' CPU (issue 15's JFR
 * profile of bench/generate). It is resolved once it is known, and is still right on a server
 * whose port is only known after start.
 */
class PublicUrlTest {

    /** Counts the property lookups, as each one walks every property source. */
    static final class CountingEnvironment extends MockEnvironment {
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public String getProperty(String key) {
            lookups.incrementAndGet();
            return super.getProperty(key);
        }

        @Override
        public String getProperty(String key, String defaultValue) {
            lookups.incrementAndGet();
            return super.getProperty(key, defaultValue);
        }
    }

    @Test
    void aConfiguredUrlIsReadOnceNotPerCall() {
        CountingEnvironment env = new CountingEnvironment();
        env.setProperty("renderbank.public-url", "https://renderbank.example.com/");
        PublicUrl url = new PublicUrl(env);

        for (int i = 0; i < 1000; i++) {
            assertThat(url.get()).isEqualTo("https://renderbank.example.com");
        }

        assertThat(env.lookups.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void theBoundPortIsReadOnceKnownAndNotBefore() {
        CountingEnvironment env = new CountingEnvironment();
        PublicUrl url = new PublicUrl(env);
        assertThat(url.get()).isEqualTo("http://localhost:8080");

        env.setProperty("local.server.port", "43127"); // the server has started on a random port
        for (int i = 0; i < 1000; i++) {
            assertThat(url.get()).isEqualTo("http://localhost:43127");
        }

        assertThat(env.lookups.get()).isLessThanOrEqualTo(10);
    }

    /** Links are the public URL plus a path starting with '/': a configured trailing slash must not double it. */
    @Test
    void noLinkHasADoubleSlash() {
        for (String configured : List.of(
                "https://renderbank.example.com/",
                "https://renderbank.example.com//",
                "https://renderbank.example.com")) {
            MockEnvironment env = new MockEnvironment().withProperty("renderbank.public-url", configured);
            String callback = new PublicUrl(env).get() + "/api/provider/kie/callback/1";
            assertThat(callback).as(configured).isEqualTo("https://renderbank.example.com/api/provider/kie/callback/1");
        }
        MockEnvironment under = new MockEnvironment().withProperty("renderbank.public-url", "https://x.example/app/");
        assertThat(new PublicUrl(under).get()).isEqualTo("https://x.example/app");
    }

    /** A value that is not an absolute http(s) URL would build broken links in any profile: the start stops. */
    @Test
    void aValueThatIsNotAUrlStopsTheStart() {
        for (String bad :
                List.of("renderbank.example.com", " https://x.example", "https://x.example?a=1", "ftp://x.example")) {
            MockEnvironment env = new MockEnvironment().withProperty("renderbank.public-url", bad);
            assertThatThrownBy(() -> new PublicUrl(env)).as(bad).hasMessageContaining("renderbank.public-url");
        }
        MockEnvironment dev = new MockEnvironment().withProperty("renderbank.public-url", "http://localhost:8080/");
        assertThat(new PublicUrl(dev).get()).as("outside prod").isEqualTo("http://localhost:8080");
    }

    /**
     * A docker-compose service name is a host though java.net.URI does not take an underscore in an
     * Internet host name: such a value builds links outside prod. A value with no host at all, or
     * user info before such a name, is still refused.
     */
    @Test
    void aComposeServiceNameIsAHost() {
        MockEnvironment env =
                new MockEnvironment().withProperty("renderbank.public-url", "http://renderbank_app:8080/");
        String callback = new PublicUrl(env).get() + "/api/provider/kie/callback/1";
        assertThat(callback).isEqualTo("http://renderbank_app:8080/api/provider/kie/callback/1");

        for (String bad : List.of("http://user@renderbank_app:8080", "http://:8080", "http://renderbank_app:80x")) {
            MockEnvironment refused = new MockEnvironment().withProperty("renderbank.public-url", bad);
            assertThatThrownBy(() -> new PublicUrl(refused)).as(bad).hasMessageContaining("renderbank.public-url");
        }
    }
}
