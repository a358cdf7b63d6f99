package dev.renderbank.platform;

import org.springframework.http.HttpStatus;

/** Thrown by request parsing when one field is wrong; answered as problem+json naming the field. */
public class InvalidFieldException extends RuntimeException {

    private final String field;
    private final String fieldMessage;
    private final HttpStatus status;

    public InvalidFieldException(HttpStatus status, String field, String message) {
        super(field + " " + message);
        this.field = field;
        this.fieldMessage = message;
        this.status = status;
    }

    public InvalidFieldException(String field, String message) {
        this(HttpStatus.BAD_REQUEST, field, message);
    }

    public String field() {
        return field;
    }

    public String fieldMessage() {
        return fieldMessage;
    }

    public HttpStatus status() {
        return status;
    }
}
