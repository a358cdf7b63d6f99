package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

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
}
