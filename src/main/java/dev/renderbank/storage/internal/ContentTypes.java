package dev.renderbank.storage.internal;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeTypeUtils;

/**
 * Content types are stored and later sent back as a response header, so only well-formed,
 * printable values are kept; anything else becomes a guess from the file name or octet-stream.
 */
final class ContentTypes {

    static final String OCTET_STREAM = "application/octet-stream";

    private static final Pattern WELL_FORMED =
            Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,100}/[A-Za-z0-9!#$&^_.+-]{1,100}( *;[ -~]{0,150})?");

    private static final Map<String, String> BY_EXTENSION = Map.of(
            "png", "image/png",
            "jpg", "image/jpeg",
            "jpeg", "image/jpeg",
            "webp", "image/webp",
            "gif", "image/gif",
            "mp4", "video/mp4",
            "webm", "video/webm",
            "mov", "video/quicktime");

    /**
     * Names some file hosts use for the standard types (JPEG files are often served as
     * {@code image/jpg}); each is read, checked and stored as the standard type.
     */
    private static final Map<String, String> ALIASES = Map.of(
            "image/jpg", "image/jpeg",
            "image/pjpeg", "image/jpeg",
            "image/x-png", "image/png");

    private ContentTypes() {}

    /**
     * The header value with a known alias of its media type replaced by the standard type (its
     * parameters kept); any other value as given.
     */
    static String canonical(String header) {
        String standard = ALIASES.get(mediaType(header));
        if (standard == null) {
            return header;
        }
        int semicolon = header.indexOf(';');
        return semicolon < 0 ? standard : standard + header.substring(semicolon);
    }

    /** The lower-case {@code type/subtype} of a header value, without parameters; "" when absent. */
    static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        String type = semicolon < 0 ? header : header.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * A value safe to store and send back: the given one when well-formed and a response can carry
     * it, else its bare {@code type/subtype} when only a parameter is unusable (an unknown charset, an
     * unterminated quote), else a guess from {@code name}.
     */
    static String safe(String contentType, String name) {
        if (contentType != null && WELL_FORMED.matcher(contentType.trim()).matches()) {
            String value = contentType.trim();
            if (parses(value)) {
                return value;
            }
            String bare = mediaType(value);
            if (parses(bare)) {
                return bare;
            }
        }
        return byExtension(name);
    }

    private static boolean parses(String value) {
        try {
            MimeTypeUtils.parseMimeType(value);
            return true;
        } catch (InvalidMimeTypeException e) {
            return false;
        }
    }

    /** Generic binary types say nothing: prefer what the file name tells. */
    static String refine(String contentType, String... names) {
        String media = mediaType(contentType);
        if (!media.isEmpty() && !media.equals(OCTET_STREAM) && !media.equals("binary/octet-stream")) {
            return contentType;
        }
        for (String name : names) {
            String guess = byExtension(name);
            if (!guess.equals(OCTET_STREAM)) {
                return guess;
            }
        }
        return OCTET_STREAM;
    }

    static String byExtension(String name) {
        if (name == null) {
            return OCTET_STREAM;
        }
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        if (dot < 0 || dot < slash) {
            return OCTET_STREAM;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
    }
}
