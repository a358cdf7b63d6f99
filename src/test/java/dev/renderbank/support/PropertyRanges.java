package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Binds one {@code @ConfigurationProperties} record from a few settings, as the application does at
 * start, to state a setting's allowed range: a value out of range must stop the start with a message
 * naming the key, a value in range must bind.
 */
public final class PropertyRanges {

    private PropertyRanges() {}

    public static <T> T bind(String prefix, Class<T> type, Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate(prefix, type);
    }

    /** {@code key=value} (plus {@code others}) is refused, with a message naming {@code key}. */
    public static void refused(String prefix, Class<?> type, String key, String value, String... others) {
        assertThatThrownBy(() -> bind(prefix, type, settings(key, value, others)))
                .as(key + "=" + value)
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .rootCause()
                .hasMessageContaining(key);
    }

    /** {@code key=value} (plus {@code others}) binds. */
    public static void accepted(String prefix, Class<?> type, String key, String value, String... others) {
        assertThatCode(() -> bind(prefix, type, settings(key, value, others)))
                .as(key + "=" + value)
                .doesNotThrowAnyException();
    }

    private static Map<String, String> settings(String key, String value, String... others) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(key, value);
        for (int i = 0; i + 1 < others.length; i += 2) {
            m.put(others[i], others[i + 1]);
        }
        return m;
    }
}
