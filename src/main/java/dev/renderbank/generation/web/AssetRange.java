package dev.renderbank.generation.web;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a file a {@code Range} header asks for (RFC 9110 §14): one byte range ({@code
 * bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}) is answered with just those bytes; a range that
 * starts past the end cannot be. Everything else (no header, several ranges, another unit, a
 * malformed value, or an {@code If-Range} other than the file's own entity tag, a date included) is
 * answered with the whole file, which the RFC allows for any Range a server chooses to ignore.
 */
sealed interface AssetRange {

    /** The whole file: 200. */
    record Whole() implements AssetRange {}

    /** Bytes {@code start} to {@code end}, both included: 206. */
    record Part(long start, long end) implements AssetRange {
        long length() {
            return end - start + 1;
        }

        String contentRange(long size) {
            return "bytes " + start + "-" + end + "/" + size;
        }
    }

    /** A range that starts at or past the end: 416. */
    record Unsatisfiable() implements AssetRange {
        static String contentRange(long size) {
            return "bytes */" + size;
        }
    }

    Pattern ONE_RANGE = Pattern.compile("bytes=\\s*(\\d{0,18})-(\\d{0,18})\\s*");

    /** {@code tag}: the file's entity tag, which an {@code If-Range} must name exactly (strong comparison). */
    static AssetRange of(String range, String ifRange, String tag, long size) {
        if (range == null || (ifRange != null && !ifRange.trim().equals(tag))) {
            return new Whole();
        }
        Matcher m = ONE_RANGE.matcher(range.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Whole();
        }
        if (m.group(1).isEmpty()) { // the last n bytes
            long n = Long.parseLong(m.group(2));
            return n == 0 || size == 0 ? new Unsatisfiable() : new Part(Math.max(0, size - n), size - 1);
        }
        long start = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < start) {
            return new Whole(); // not a valid range: ignored
        }
        if (start >= size) {
            return new Unsatisfiable();
        }
        long end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        return new Part(start, end);
    }
}
