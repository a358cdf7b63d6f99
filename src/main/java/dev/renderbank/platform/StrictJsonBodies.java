package dev.renderbank.platform;

import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON request body with a field its type does not have is refused: a 400 naming the field and
 * the fields the request takes ({@link ApiExceptionHandler}). Ignored, a misspelt field ({@code
 * "timezone"} for {@code timeZone}, {@code "expiresInDays"}) got a 2xx and the default instead of
 * what the client asked for. One rule for every body the controllers bind to a record, so a new
 * route is covered without code of its own.
 *
 * <p>Only the server's reading of request bodies is strict; the application's mapper is not (durable
 * events stored by an earlier version, the answers the app reads from others). What outside systems
 * send, which they may extend at any time, is never bound to a record: the provider's callbacks are
 * read as a map, the payment webhooks as bytes, and neither has unknown fields to refuse. A future
 * body of that kind bound to a record must say {@code @JsonIgnoreProperties(ignoreUnknown = true)}.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonBodies {

    @Bean
    ServerHttpMessageConvertersCustomizer strictJsonRequestBodies() {
        // the list as built, whichever customizer set the JSON converter: it is replaced, not added
        return builder -> builder.configureMessageConvertersList(converters ->
                converters.replaceAll(c -> c instanceof JacksonJsonHttpMessageConverter json && !(c instanceof Strict)
                        ? new Strict(json.getMapper())
                        : c));
    }

    /** The application's JSON converter, refusing unknown fields when it reads. */
    static final class Strict extends JacksonJsonHttpMessageConverter {

        Strict(JsonMapper mapper) {
            super(mapper);
        }

        @Override
        protected ObjectReader customizeReader(ObjectReader reader, JavaType javaType) {
            return super.customizeReader(reader, javaType).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        }
    }

    /**
     * What to tell the client about a field the body's type does not have: that it is not one, and
     * which fields the request takes (sorted). Empty when {@code failure} is about something else.
     */
    static Optional<String> unknownField(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnrecognizedPropertyException u) {
                Collection<Object> known = u.getKnownPropertyIds();
                String takes = known == null || known.isEmpty()
                        ? ""
                        : " (it takes "
                                + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
                return Optional.of("is not a field of this request" + takes);
            }
        }
        return Optional.empty();
    }
}
