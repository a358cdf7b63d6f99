package dev.renderbank.storage.internal;

import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.OutputFetcher;
import dev.renderbank.storage.StoredAsset;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a provider's output into the asset store without letting the URL reach anything it
 * should not: http(s) only; every host, including each redirect target, resolved through the
 * {@link HostPolicy} (and the connection made only to the addresses it approved); at most {@value
 * #MAX_REDIRECTS} redirects; connect, read and total timeouts; 2xx only; an allowed content type;
 * the size limit checked against Content-Length and again while streaming. The body streams
 * straight into the store, which hashes it on the way.
 *
 * <p>Refusals ({@link FetchRefusedException}) are permanent. {@link IOException}s (network trouble,
 * timeouts, 408/429/5xx answers) may succeed on a later try.
 *
 * <p>No path reaches an address the policy did not approve: the redirect loop here checks the host
 * of the URL and of each redirect target before asking for it, and the client ({@link
 * FetchConnections}) connects only to addresses the policy returned, through no proxy, following
 * no redirect of its own.
 */
final class SafeOutputFetcher implements OutputFetcher, AutoCloseable {

    static final int MAX_REDIRECTS = 3;

    private static final Logger log = LoggerFactory.getLogger(SafeOutputFetcher.class);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final AssetStore store;
    private final HostPolicy policy;
    private final long maxBytes;
    private final long totalTimeoutNanos;
    private final Set<String> allowedTypes;
    private final String accept;
    private final CloseableHttpClient http;

    SafeOutputFetcher(AssetStore store, DownloadProperties limits, HostPolicy policy) {
        this.store = store;
        this.policy = policy;
        this.maxBytes = limits.maxBytes().toBytes();
        this.totalTimeoutNanos = limits.totalTimeout().toNanos();
        this.allowedTypes = limits.allowedMediaTypes();
        this.accept = String.join(", ", allowedTypes.stream().sorted().toList());
        this.http = FetchConnections.client(limits, policy);
    }

    HostPolicy policy() {
        return policy;
    }

    @Override
    public StoredAsset fetch(URI source, String key) throws FetchRefusedException, IOException {
        AssetKeys.requireValid(key);
        long deadline = System.nanoTime() + totalTimeoutNanos;
        URI current = checkedUri(source);
        for (int redirects = 0; ; redirects++) {
            checkHost(current);
            HttpGet get = new HttpGet(current);
            get.setHeader("Accept", accept);
            ClassicHttpResponse response;
            try {
                response = http.executeOpen(null, get, null);
            } catch (IOException e) {
                throw translated(e, current);
            }
            boolean bodyConsumed = false;
            try {
                int status = response.getCode();
                if (REDIRECTS.contains(status)) {
                    if (redirects >= MAX_REDIRECTS) {
                        throw refused("more than " + MAX_REDIRECTS + " redirects", source);
                    }
                    current = redirectTarget(current, response.getFirstHeader("Location"));
                    continue;
                }
                checkStatus(status, current);
                StoredAsset stored = storeBody(get, response, current, key, deadline);
                bodyConsumed = true;
                return stored;
            } catch (IOException e) {
                throw translated(e, current);
            } finally {
                if (!bodyConsumed) {
                    // closing an unread body would read all of it first, however long it is
                    get.cancel();
                }
                closeQuietly(response);
            }
        }
    }

    /** Blocked addresses and oversize bodies surface from deep inside the client or the store. */
    private IOException translated(IOException e, URI uri) throws FetchRefusedException {
        Optional<HostPolicy.BlockedAddressException> blocked = causeOf(e, HostPolicy.BlockedAddressException.class);
        if (blocked.isPresent()) {
            throw refused(blocked.get().getMessage(), uri);
        }
        if (causeOf(e, LimitedBody.TooLargeException.class).isPresent()) {
            throw refused("body larger than " + maxBytes + " bytes", uri);
        }
        return e;
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException ignored) {
            // an aborted connection may complain on close; nothing is left to release
        }
    }

    private StoredAsset storeBody(HttpGet get, ClassicHttpResponse response, URI uri, String key, long deadline)
            throws IOException, FetchRefusedException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            throw refused("no body", uri);
        }
        String contentType = entity.getContentType() == null
                ? ContentTypes.OCTET_STREAM
                : ContentTypes.canonical(entity.getContentType());
        String media = ContentTypes.mediaType(contentType);
        if (!allowedTypes.contains(media)) {
            throw refused("content type " + media + " is not allowed", uri);
        }
        String encoding = entity.getContentEncoding();
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw refused("content encoding " + encoding + " is not accepted", uri);
        }
        if (entity.getContentLength() > maxBytes) {
            throw refused("declared length " + entity.getContentLength() + " exceeds " + maxBytes + " bytes", uri);
        }
        if (entity.getContentLength() == 0) {
            throw empty(uri);
        }
        // The first byte is read before the store is touched: an empty answer (a chunked one declares
        // no length) must not replace a file another fetch of the same result stored under the key.
        PushbackInputStream body =
                new PushbackInputStream(new LimitedBody(entity.getContent(), maxBytes, deadline, get::cancel));
        int first = body.read();
        if (first == -1) {
            throw empty(uri); // not an output: nothing may be charged for it
        }
        body.unread(first);
        StoredAsset stored = store.put(key, body, ContentTypes.refine(contentType, uri.getPath(), key));
        log.debug("stored {} ({} bytes, sha256 {}) from {}", key, stored.size(), stored.sha256(), uri.getHost());
        return stored;
    }

    /**
     * No image or video is 0 bytes: a 200 with an empty body is a file not served yet (a CDN edge
     * answering before the file reached it), to be asked for again, never an output to charge for.
     */
    private static IOException empty(URI uri) {
        return new IOException("empty body (0 bytes) from " + safe(uri) + "; the file is not served yet");
    }

    private void checkHost(URI uri) throws FetchRefusedException, UnknownHostException {
        try {
            policy.resolve(uri.getHost());
        } catch (HostPolicy.BlockedAddressException e) {
            throw refused(e.getMessage(), uri);
        }
    }

    private static void checkStatus(int status, URI uri) throws IOException, FetchRefusedException {
        if (status == 200 || status == 203) {
            return;
        }
        // 403, 404 and 410 too: a result just reported may not be on every edge of the provider's
        // file host yet, or its signed URL not valid yet on a host whose clock runs behind; the
        // provider was paid, so the caller tries again (with a freshly read URL) until its deadline
        if (status == 403
                || status == 404
                || status == 408
                || status == 410
                || status == 425
                || status == 429
                || status >= 500) {
            throw new IOException("HTTP " + status + " from " + uri.getHost() + " (may pass on a later try)");
        }
        throw refused("HTTP " + status, uri);
    }

    private static URI redirectTarget(URI from, Header location) throws FetchRefusedException {
        if (location == null
                || location.getValue() == null
                || location.getValue().isBlank()) {
            throw refused("redirect without a Location", from);
        }
        try {
            return checkedUri(from.resolve(new URI(location.getValue().trim())));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw refused("redirect to a malformed Location", from);
        }
    }

    /** http(s) with a host and no user info; anything else (file:, ftp:, jar:, gopher:, …) is refused. */
    static URI checkedUri(URI uri) throws FetchRefusedException {
        if (uri == null) {
            throw new FetchRefusedException("no URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchRefusedException("only http and https URLs are fetched, not " + safe(uri));
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new FetchRefusedException("URL without a host: " + safe(uri));
        }
        if (uri.getRawUserInfo() != null) {
            throw new FetchRefusedException("URL with user info: " + safe(uri));
        }
        return uri;
    }

    private static FetchRefusedException refused(String reason, URI uri) {
        log.warn("refused to fetch {}: {}", safe(uri), reason);
        return new FetchRefusedException(reason + " (" + safe(uri) + ")");
    }

    /** Scheme, host and path only: query strings of provider URLs carry signatures. */
    private static String safe(URI uri) {
        return OutputFetcher.redacted(uri);
    }

    private static <T extends Throwable> Optional<T> causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
