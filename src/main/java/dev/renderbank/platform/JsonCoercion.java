package dev.renderbank.platform;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Optional;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON values must have the type a field declares: {@code {"prompt":123}} is a 400, not the prompt
 * "123", and {@code {"durationSeconds":"15"}} or {@code 15.0} is not 15. Jackson coerces such scalars
 * by default, which hides client bugs and lets a body mean something its author did not write.
 * Applies to the application's JSON mapper, so to every request body it reads.
 */
@Configuration(proxyBeanMethods = false)
class JsonCoercion {

    @Bean
    JsonMapperBuilderCustomizer strictScalars() {
        return builder -> builder.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // numbers and booleans into text fields are not covered by the feature above
                .withCoercionConfig(
                        LogicalType.Textual,
                        c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /**
     * What is wrong with the value Jackson could not read, worded to follow its field's name and in the
     * client's words: the kind of value the field takes (a whole number, a number, text, true or false,
     * a list), never a Java type; a string in a format the field does not take (a date for an instant)
     * says which format; anything else is a value of the wrong JSON type or shape.
     */
    static String whatIsWrong(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MismatchedInputException m && !(t instanceof PropertyBindingException)) {
                Class<?> type = m.getTargetType();
                if (type == java.time.Instant.class || type == java.time.OffsetDateTime.class) {
                    return "has the wrong format: an ISO-8601 instant such as 2026-12-31T00:00:00Z";
                }
                String kind = kindOf(type);
                if (kind != null) {
                    return "must be " + kind;
                }
                return t instanceof InvalidFormatException
                        ? "has the wrong format"
                        : "has the wrong JSON type (or shape)";
            }
        }
        return "has the wrong JSON type (or shape)";
    }

    /** The kind of JSON value a field of {@code type} takes, in a client's words; null when none fits. */
    private static String kindOf(Class<?> type) {
        if (type == null) {
            return null;
        }
        Class<?> t = type.isPrimitive()
                ? java.lang.invoke.MethodType.methodType(type).wrap().returnType()
                : type;
        if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class || t == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(t)) {
            return "a number";
        }
        if (t == String.class || t == Character.class) {
            return "text";
        }
        if (t == Boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "a list";
        }
        return null;
    }

    /** Whether the body could not be read because its bytes are not UTF-8. */
    static boolean notUtf8(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.CharConversionException
                    || (t instanceof JacksonException j
                            && j.getOriginalMessage() != null
                            && j.getOriginalMessage().contains("Invalid UTF-8"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where in the body a value could not be read, as the client wrote it ({@code prompt},
     * {@code imageUrls[0]}); empty when the body is not JSON at all or Jackson did not say.
     */
    static Optional<String> fieldOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JacksonException j && !j.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (JacksonException.Reference r : j.getPath()) {
                    if (r.getPropertyName() != null) {
                        path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
                    } else if (r.getIndex() >= 0) {
                        path.append('[').append(r.getIndex()).append(']');
                    }
                }
                return path.isEmpty() ? Optional.empty() : Optional.of(path.toString());
            }
        }
        return Optional.empty();
    }
}
