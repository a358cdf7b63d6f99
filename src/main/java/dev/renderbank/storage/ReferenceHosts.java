package dev.renderbank.storage;

import dev.renderbank.platform.BoundedLookups;
import dev.renderbank.storage.internal.HostPolicy;
import dev.renderbank.storage.internal.PublicAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which hosts a URL handed to the provider (a reference image) may name. The provider fetches it,
 * not us, but a URL naming a cloud metadata service, a private network or this machine is never a
 * legitimate reference: it is refused by the same address rules as output downloads ({@link
 * HostPolicy}, {@link PublicAddresses}). With the simulator, which serves from this machine,
 * loopback is allowed, and only loopback.
 *
 * <p>Looking a host up can take as long as its name servers please: {@link #check} bounds the
 * lookups of one request in total time ({@link #bounded}) and the lookups under way on this node in
 * number, a lookup that outlived its request included (a name lookup cannot be interrupted), so
 * hosts that never answer cannot hold request threads nor pile up lookup threads.
 */
public final class ReferenceHosts {

    /** The defaults of {@code renderbank.storage.reference-lookup.*}. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private static final int DEFAULT_MAX_CONCURRENT = 32;

    /** Numeric host forms other than a dotted quad (2130706433, 0x7f.1, 0177.1): fetchers differ on them. */
    private static final Pattern ODD_NUMERIC =
            Pattern.compile("(?i)(0x[0-9a-f]+|[0-9]+)(\\.(0x[0-9a-f]+|[0-9]+)){0,3}");

    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /**
     * Names that are never on the public internet, whatever resolves here: cloud metadata services
     * ({@code metadata.google.internal}, {@code instance-data}) and the {@code .internal} and
     * {@code .local} zones. They do not resolve on this machine either, so the rule below (an
     * unresolvable name goes to the provider as is) would otherwise let them through.
     */
    private static final Pattern INTERNAL_NAME = Pattern.compile("(?i)(.+\\.)?(internal|local)|metadata|instance-data");

    private final HostPolicy policy;
    private final Duration timeout;
    private final BoundedLookups lookups;

    private ReferenceHosts(HostPolicy policy, Duration timeout, BoundedLookups lookups) {
        this.policy = policy;
        this.timeout = timeout;
        this.lookups = lookups;
    }

    private ReferenceHosts(HostPolicy policy) {
        this(policy, DEFAULT_TIMEOUT, lookups(DEFAULT_MAX_CONCURRENT));
    }

    private static BoundedLookups lookups(int maxConcurrent) {
        return new BoundedLookups("reference-lookup", maxConcurrent);
    }

    /** Public internet addresses only (production). */
    public static ReferenceHosts publicOnly() {
        return new ReferenceHosts(HostPolicy.publicOnly());
    }

    /** Public addresses and this machine's loopback (the simulator's own URLs). */
    public static ReferenceHosts publicOrLoopback() {
        return new ReferenceHosts(
                HostPolicy.publicOnly().withAddressCheck(a -> PublicAddresses.isPublic(a) || a.isLoopbackAddress()));
    }

    /**
     * The same rules, one request's lookups taking at most {@code timeout} together and at most
     * {@code maxConcurrent} lookups under way at once.
     */
    public ReferenceHosts bounded(Duration timeout, int maxConcurrent) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || maxConcurrent < 1) {
            throw new IllegalArgumentException("a positive timeout and at least one lookup at once are required");
        }
        return new ReferenceHosts(policy, timeout, lookups(maxConcurrent));
    }

    ReferenceHosts withResolver(HostPolicy.Resolver resolver) {
        return new ReferenceHosts(policy.withResolver(resolver), timeout, lookups);
    }

    /**
     * Whether every one of {@code urls} may be given to the provider: the first that may not, the
     * first whose host did not answer in time ({@link ReferenceCheck.TimedOut}: the timeout is for
     * all of them together), or {@link ReferenceCheck.Busy} when this node has as many lookups under
     * way as it allows.
     */
    public ReferenceCheck check(List<String> urls) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < urls.size(); i++) {
            Optional<ReferenceCheck> refused = judge(urls.get(i), i, deadline);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        return new ReferenceCheck.Allowed();
    }

    /** Why {@code url} may not be given to the provider, for the client; empty when it may. */
    Optional<String> refusal(String url) {
        ReferenceCheck checked = check(List.of(url));
        if (checked instanceof ReferenceCheck.Refused r) {
            return Optional.of(r.reason());
        }
        if (checked instanceof ReferenceCheck.TimedOut t) {
            return Optional.of(t.reason());
        }
        if (checked instanceof ReferenceCheck.Busy) {
            return Optional.of("could not be checked now (too many lookups under way)");
        }
        return Optional.empty();
    }

    /**
     * A refusal of {@code url}, or empty when it may be given to the provider. A name that does not
     * resolve here is allowed: the provider resolves it on its own network.
     */
    private Optional<ReferenceCheck> judge(String url, int index, long deadline) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return refused(index, "is not a valid URL");
        }
        if (uri.getRawUserInfo() != null) {
            // credentials would be handed to the provider, and user@host forms are how hosts are disguised
            return refused(index, "must not contain user info (user:password@)");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return refused(index, "must name a host");
        }
        // a fully qualified name's trailing dot (metadata.google.internal.) names the same host
        String name = HostPolicy.normalize(host).replaceAll("\\.+$", "");
        if (name.isEmpty()) {
            return refused(index, "must name a host");
        }
        if (ODD_NUMERIC.matcher(name).matches() && !DOTTED_QUAD.matcher(name).matches()) {
            return refused(index, "must name its host as a name or a dotted IPv4 address, not " + name);
        }
        if (INTERNAL_NAME.matcher(name).matches()) {
            return refused(index, "must be on the public internet; " + name + " is an internal or metadata name");
        }
        return lookUp(name, index, deadline);
    }

    /** Resolves {@code name} on a lookup thread, waiting for it until {@code deadline} at most. */
    private Optional<ReferenceCheck> lookUp(String name, int index, long deadline) {
        BoundedLookups.Outcome<Optional<String>> looked = lookups.call(() -> resolved(name), deadline);
        if (looked instanceof BoundedLookups.Answered<Optional<String>> answered) {
            return answered.value().map(reason -> new ReferenceCheck.Refused(index, reason));
        }
        if (looked instanceof BoundedLookups.Busy) {
            return Optional.of(new ReferenceCheck.Busy(timeout));
        }
        if (looked instanceof BoundedLookups.TimedOut) {
            return Optional.of(new ReferenceCheck.TimedOut(index, tooSlow(name)));
        }
        throw new IllegalStateException(
                "looking up " + name + " failed", ((BoundedLookups.Failed<Optional<String>>) looked).cause());
    }

    private static Optional<ReferenceCheck> refused(int index, String reason) {
        return Optional.of(new ReferenceCheck.Refused(index, reason));
    }

    private Optional<String> resolved(String name) {
        try {
            policy.resolve(name);
            return Optional.empty();
        } catch (HostPolicy.BlockedAddressException e) {
            return Optional.of("must be on the public internet; " + name
                    + " is a private, loopback, link-local or metadata address");
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private String tooSlow(String name) {
        long ms = timeout.toMillis();
        String bound = ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
        return "could not be checked: the image's host " + name + " did not answer in time (" + bound
                + "); try again, or use an image on another host";
    }
}
