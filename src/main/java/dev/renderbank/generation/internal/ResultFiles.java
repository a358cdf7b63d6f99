package dev.renderbank.generation.internal;

import dev.renderbank.catalog.AssetType;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/** Which of a finished task's result URLs is copied, and the storage key's file name extension. */
final class ResultFiles {

    private static final Pattern PLAIN_EXTENSION = Pattern.compile("\\.[a-z0-9]{1,4}");

    private ResultFiles() {}

    /**
     * The first result URL we fetch at all (http or https with a host), else the first: a list that
     * begins with a {@code file:}, an empty or an {@code ftp:} entry still delivers its usable result,
     * and a list of none is refused by the fetcher as before.
     */
    static URI firstFetchable(java.util.List<URI> urls) {
        for (URI url : urls) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null) {
                return url;
            }
        }
        return urls.get(0);
    }

    /**
     * The file name extension of the result's URL when it is a plain one ({@code .png}, {@code .mp4}
     * …), else the type's default: the URL is the provider's, the storage key ours, and a key must
     * stay valid whatever the URL's path ends in (a slash, {@code ~}, {@code +}, a dotted folder).
     */
    static String extension(Job job, URI source) {
        String path = source.getPath() == null ? "" : source.getPath();
        int dot = path.lastIndexOf('.');
        if (dot >= 0) {
            String extension = path.substring(dot).toLowerCase(Locale.ROOT);
            if (PLAIN_EXTENSION.matcher(extension).matches()) {
                return extension;
            }
        }
        return job.type() == AssetType.VIDEO ? ".mp4" : ".png";
    }
}
