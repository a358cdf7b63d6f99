package dev.renderbank.notify.webhooks;

import dev.renderbank.platform.BoundedLookups;
import dev.renderbank.storage.InternetAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where client webhooks may go (SSRF): a URL is accepted at registration only if its host resolves,
 * and every address it resolves to is on the public internet ({@link InternetAddresses}); at each
 * send the HTTP client resolves through {@link #resolve} again and connects only to the addresses it
 * approved, so a DNS answer that changed since (DNS rebinding) is judged again. https only; plain
 * http only to loopback and only with {@code renderbank.webhooks.allow-private-hosts}, which also
 * admits private addresses but never link-local (cloud metadata), multicast or the unspecified
 * address.
 *
 * <p>Registration looks the host up on the request's thread and a delivery on a sender thread, so
 * both lookups are bounded ({@link BoundedLookups}): each is cut at {@link #LOOKUP_TIMEOUT} (the URL
 * refused, or the attempt failed, to be tried again) and at most {@link #MAX_LOOKUPS} of each kind
 * run at once, one that outlived its caller included (a name lookup cannot be interrupted); beyond
 * that a registration is refused, or an attempt fails, at once. Name servers that never answer cannot
 * hold request or sender threads nor pile up lookup threads.
 */
public final class WebhookUrlPolicy {

    static final int MAX_URL_LENGTH = 2000;

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host that resolved to an address webhooks may not reach. */
    public static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    /** Numeric host forms other than a dotted quad (2130706433, 0x7f.1, 0177.1): resolvers differ on them. */
    private static final Pattern ODD_NUMERIC =
            Pattern.compile("(?i)(0x[0-9a-f]+|[0-9]+)(\\.(0x[0-9a-f]+|[0-9]+)){0,3}");

    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** How long a registration or a delivery waits for its host's name servers. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Lookups under way at once per policy (one per node) for registrations, and as many for
     * deliveries, those that outlived their caller included.
     */
    static final int MAX_LOOKUPS = 16;

    private final boolean allowPrivate;
    private final Resolver resolver;
    private final Duration lookupTimeout;
    /** Registration's lookups (request threads). */
    private final BoundedLookups registrations;
    /** Deliveries' lookups (the sender pool), apart so that registrations cannot starve them. */
    private final BoundedLookups deliveries;

    public WebhookUrlPolicy(boolean allowPrivate, Resolver resolver) {
        this(allowPrivate, resolver, LOOKUP_TIMEOUT, MAX_LOOKUPS);
    }

    WebhookUrlPolicy(boolean allowPrivate, Resolver resolver, Duration lookupTimeout, int maxLookups) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.lookupTimeout = lookupTimeout;
        this.registrations = new BoundedLookups("webhook-url-lookup", maxLookups);
        this.deliveries = new BoundedLookups("webhook-send-lookup", maxLookups);
    }

    public WebhookUrlPolicy(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    /** What is wrong with the port {@code url} names ({@link WebhookUrlText#portProblem}). */
    public static Optional<String> portProblem(String url) {
        return WebhookUrlText.portProblem(url);
    }

    /** {@code url} with an international host name in punycode ({@link WebhookUrlText#ascii}). */
    public static String ascii(String url) {
        return WebhookUrlText.ascii(url);
    }

    /** Why {@code url} may not be registered, said for the client; empty when it may. */
    public Optional<String> refusal(String url) {
        Optional<String> form = formProblem(url);
        if (form.isPresent()) {
            return form;
        }
        return addressProblem(url);
    }

    /**
     * What is wrong with {@code url} as written (no host lookup): required, its length, https, a host
     * (international names in punycode, {@link #ascii}), no user info or fragment, no odd numeric
     * host; empty when nothing is. Checked before the host is looked up, so the URL's own mistakes are
     * said at once and never wait for name servers.
     */
    public Optional<String> formProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required: the https URL that receives the events");
        }
        if (url.length() > MAX_URL_LENGTH) {
            return Optional.of("must be at most " + MAX_URL_LENGTH + " characters");
        }
        String written = ascii(url).trim();
        URI uri;
        try {
            uri = new URI(written);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allowPrivate)) {
            // plain http only to this machine while developing, which needs the host's addresses
            return Optional.of("must be an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of(
                    uri.getRawAuthority() != null
                                    && !uri.getRawAuthority().chars().allMatch(c -> c < 0x80)
                            ? "must name its host in ASCII: write an international name in its punycode form"
                                    + " (xn--…)"
                            : "must name a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("must not contain user info or a fragment");
        }
        String host = normalize(uri.getHost());
        if (ODD_NUMERIC.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            return Optional.of("must name its host as a name or a dotted IPv4 address, not " + host);
        }
        return Optional.empty();
    }

    /**
     * Looks the host of {@code url}, which {@link #formProblem} accepted, up: why it may not be reached,
     * empty when it may.
     */
    private Optional<String> addressProblem(String url) {
        URI uri = URI.create(ascii(url).trim());
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = normalize(uri.getHost());
        BoundedLookups.Outcome<InetAddress[]> looked =
                registrations.call(() -> resolve(host), System.nanoTime() + lookupTimeout.toNanos());
        if (looked instanceof BoundedLookups.Busy) {
            return Optional.of("could not be checked now: too many host lookups are under way; try again in a moment");
        }
        if (looked instanceof BoundedLookups.TimedOut) {
            return Optional.of("names a host whose name servers did not answer within " + lookupTimeout.toMillis()
                    + " ms: " + host + "; try again");
        }
        if (looked instanceof BoundedLookups.Failed<InetAddress[]> failed) {
            if (failed.cause() instanceof RefusedAddressException) {
                return Optional.of("must be on the public internet; " + host
                        + " is a private, loopback, link-local or metadata address");
            }
            if (failed.cause() instanceof UnknownHostException) {
                return Optional.of("names a host that does not resolve: " + host);
            }
            throw new IllegalStateException("looking up " + host + " failed", failed.cause());
        }
        InetAddress[] addresses = ((BoundedLookups.Answered<InetAddress[]>) looked).value();
        if (scheme.equals("http")
                && !(allowPrivate && Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress))) {
            return Optional.of("must be an https URL (plain http only to this machine while developing)");
        }
        return Optional.empty();
    }

    /**
     * The addresses of {@code host}, all of them allowed; the HTTP client connects only to these.
     *
     * @throws RefusedAddressException when any is not (a name with one private address among public
     *     ones is refused whole: its owner controls which one a connection would get)
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String name = normalize(host);
        InetAddress[] addresses = resolver.resolve(name);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(name);
        }
        for (InetAddress address : addresses) {
            if (!allowed(address)) {
                throw new RefusedAddressException(
                        "host " + name + " resolves to a non-public address " + address.getHostAddress());
            }
        }
        return addresses;
    }

    /**
     * {@link #resolve}, for a delivery (the HTTP client's every connection): cut at the lookup
     * timeout, with as many delivery lookups under way at once as registrations may have. A host whose
     * name servers do not answer fails the attempt (retried on the delivery's schedule) instead of
     * holding a sender thread, and with it every endpoint's deliveries queued behind it.
     *
     * @throws UnknownHostException also when the lookup did not end in time or too many were under way
     */
    public InetAddress[] resolveForDelivery(String host) throws UnknownHostException {
        BoundedLookups.Outcome<InetAddress[]> looked =
                deliveries.call(() -> resolve(host), System.nanoTime() + lookupTimeout.toNanos());
        if (looked instanceof BoundedLookups.Answered<InetAddress[]> answered) {
            return answered.value();
        }
        if (looked instanceof BoundedLookups.Failed<InetAddress[]> failed) {
            if (failed.cause() instanceof UnknownHostException unknown) {
                throw unknown; // a refused address keeps its type: the sender reports it as such
            }
            throw new IllegalStateException("looking up " + host + " failed", failed.cause());
        }
        throw new UnknownHostException(
                looked instanceof BoundedLookups.Busy
                        ? host + " was not looked up: too many host lookups are under way"
                        : "the name servers of " + host + " did not answer within " + lookupTimeout.toMillis() + " ms");
    }

    /**
     * Public addresses; with {@code allowPrivate} also loopback, IPv4 private networks and IPv6
     * unique-local ones, and nothing else (never link-local/metadata, multicast, unspecified, or a
     * translated form that hides one of those).
     */
    boolean allowed(InetAddress address) {
        if (InternetAddresses.isPublic(address)) {
            return true;
        }
        byte[] b = address.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        return allowPrivate
                && (address.isLoopbackAddress() || address.isSiteLocalAddress() && b.length == 4 || uniqueLocal);
    }

    /** URIs write IPv6 literals in brackets; names compare case-insensitively. */
    static String normalize(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
