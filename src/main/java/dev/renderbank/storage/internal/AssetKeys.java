package dev.renderbank.storage.internal;

import java.util.regex.Pattern;

/**
 * Keys are the same in every store: {@code /}-separated segments of {@code [A-Za-z0-9_.-]}, none
 * starting with a dot (hidden names are the local store's own bookkeeping), no {@code ..}, no
 * leading slash. So a key can never leave the local directory, whatever the file system.
 */
public final class AssetKeys {

    static final int MAX_LENGTH = 512;

    private static final Pattern VALID =
            Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");

    private AssetKeys() {}

    public static boolean isValid(String key) {
        return key != null
                && !key.isEmpty()
                && key.length() <= MAX_LENGTH
                && !key.contains("..")
                && VALID.matcher(key).matches();
    }

    static String requireValid(String key) {
        if (!isValid(key)) {
            throw new IllegalArgumentException("invalid asset key: " + printable(key));
        }
        return key;
    }

    /**
     * A prefix of keys: valid key segments followed by {@code /} (never the empty prefix: every file);
     * returns it without its trailing slash, the directory it names.
     */
    static String requirePrefix(String prefix) {
        if (prefix == null || !prefix.endsWith("/") || !isValid(prefix.substring(0, prefix.length() - 1))) {
            throw new IllegalArgumentException("invalid asset key prefix: " + printable(prefix));
        }
        return prefix.substring(0, prefix.length() - 1);
    }

    private static String printable(String key) {
        if (key == null) {
            return "null";
        }
        String shown = key.length() > 80 ? key.substring(0, 80) + "…" : key;
        return '"' + shown.replaceAll("[^ -~]", "?") + '"';
    }
}
