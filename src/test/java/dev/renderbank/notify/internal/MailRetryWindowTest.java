package dev.renderbank.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.io.ClassPathResource;

/**
 * An SMTP outage shorter than a day loses no email: with the product's settings (application.yml on
 * top of the record's defaults) the attempts of one email span at least 24 hours before it is FAILED.
 * With the former 8 attempts they spanned 63 minutes, and every email queued at the start of a longer
 * outage was failed for good.
 */
class MailRetryWindowTest {

    @Test
    void theProductSettingsRetryAnEmailForAtLeastADay() throws Exception {
        MutablePropertySources sources = new MutablePropertySources();
        new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"))
                .forEach(sources::addLast);
        MailProperties product = new Binder(ConfigurationPropertySources.from(sources))
                .bindOrCreate("renderbank.mail", MailProperties.class);
        assertThat(retrySpan(product)).isGreaterThanOrEqualTo(Duration.ofHours(24));
        MailProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("renderbank.mail", MailProperties.class);
        assertThat(retrySpan(defaults)).isGreaterThanOrEqualTo(Duration.ofHours(24));
    }

    /** From the first attempt to the last: the waits after each failed attempt but the last. */
    static Duration retrySpan(MailProperties props) {
        Duration span = Duration.ZERO;
        for (int attempts = 1; attempts < props.maxAttempts(); attempts++) {
            span = span.plus(props.backoff(attempts));
        }
        return span;
    }
}
