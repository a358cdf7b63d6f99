package dev.renderbank.platform;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;

/**
 * Thrown by request parsing when fields are wrong (usually one); answered as problem+json naming
 * each field and what to fix, in the order given.
 */
public class InvalidFieldException extends RuntimeException {

    private final Map<String, String> fields;
    private final HttpStatus status;

    public InvalidFieldException(HttpStatus status, String field, String message) {
        this(status, Map.of(field, message));
    }

    public InvalidFieldException(String field, String message) {
        this(HttpStatus.BAD_REQUEST, field, message);
    }

    /** Several fields at once: {@code fields} maps each to what is wrong with it, in its order. */
    public InvalidFieldException(HttpStatus status, Map<String, String> fields) {
        super(fields.entrySet().stream()
                .map(f -> f.getKey() + " " + f.getValue())
                .collect(Collectors.joining("; ")));
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("no field named");
        }
        this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        this.status = status;
    }

    /** The first field refused. */
    public String field() {
        return fields.keySet().iterator().next();
    }

    /** What is wrong with {@link #field()}. */
    public String fieldMessage() {
        return fields.values().iterator().next();
    }

    /** Every field refused and what is wrong with it, in order. */
    public Map<String, String> fields() {
        return fields;
    }

    public HttpStatus status() {
        return status;
    }
}
