package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Binds one {@code @ConfigurationProperties} record from a few settings, under the prefix its
 * annotation gives, as the application does at start, to state a setting's allowed range: a value out
 * of range must stop the start with a message naming the key, a value in range must bind.
 *
 * <pre>{@code
 * Ranges mail = PropertyRanges.of(MailProperties.class);
 * mail.refused("renderbank.mail.first-retry", "0s", "-30s"); // each value on its own
 * mail.with("renderbank.mail.first-retry", "10s").accepted("renderbank.mail.max-retry", "10s");
 * }</pre>
 */
public final class PropertyRanges {

    private PropertyRanges() {}

    /** The ranges of {@code type}, bound under the prefix of its {@code @ConfigurationProperties}. */
    public static Ranges of(Class<?> type) {
        ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
        if (annotation == null) {
            throw new IllegalArgumentException(type + " is not a @ConfigurationProperties type");
        }
        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        return new Ranges(prefix, type, Map.of());
    }

    /**
     * One properties type and the settings every case adds ({@link #with}).
     *
     * @param prefix where the type is bound
     * @param type the {@code @ConfigurationProperties} record
     * @param others the settings every case adds to its own key and value
     */
    public record Ranges(String prefix, Class<?> type, Map<String, String> others) {

        /** The same type, with {@code settings} ({@code key, value, key, value, …}) set in every case. */
        public Ranges with(String... settings) {
            if (settings.length % 2 != 0) {
                throw new IllegalArgumentException("settings come in key, value pairs");
            }
            Map<String, String> m = new LinkedHashMap<>(others);
            for (int i = 0; i < settings.length; i += 2) {
                m.put(settings[i], settings[i + 1]);
            }
            return new Ranges(prefix, type, Map.copyOf(m));
        }

        /** Binds the type from {@code settings} (plus {@link #others}), as the application does at start. */
        public Object bind(Map<String, String> settings) {
            Map<String, String> m = new LinkedHashMap<>(others);
            m.putAll(settings);
            return new Binder(new MapConfigurationPropertySource(m)).bindOrCreate(prefix, type);
        }

        /** {@code key} set to each of {@code values} in turn is refused, with a message naming {@code key}. */
        public void refused(String key, String... values) {
            assertThat(values).as("values of " + key).isNotEmpty();
            for (String value : values) {
                assertThatThrownBy(() -> bind(Map.of(key, value)))
                        .as(key + "=" + value)
                        .hasRootCauseInstanceOf(IllegalArgumentException.class)
                        .rootCause()
                        .hasMessageContaining(key);
            }
        }

        /** {@code key} set to each of {@code values} in turn binds. */
        public void accepted(String key, String... values) {
            assertThat(values).as("values of " + key).isNotEmpty();
            for (String value : values) {
                assertThatCode(() -> bind(Map.of(key, value)))
                        .as(key + "=" + value)
                        .doesNotThrowAnyException();
            }
        }
    }
}
