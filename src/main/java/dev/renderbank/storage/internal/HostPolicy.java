package dev.renderbank.storage.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which hosts a download may connect to. {@link #resolve} is the only way the downloader turns a
 * host name into addresses: it is called before each hop and again by the HTTP client when it
 * connects, and the client connects only to the addresses it returned, so a DNS answer that changes
 * between the check and the connection (DNS rebinding) is checked too.
 */
public final class HostPolicy {

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host that resolved to an address downloads may not reach. */
    public static final class BlockedAddressException extends UnknownHostException {
        BlockedAddressException(String message) {
            super(message);
        }
    }

    private final Resolver resolver;
    private final Predicate<InetAddress> allowed;
    private final Set<String> trustedHosts;

    private HostPolicy(Resolver resolver, Predicate<InetAddress> allowed, Set<String> trustedHosts) {
        this.resolver = resolver;
        this.allowed = allowed;
        this.trustedHosts = trustedHosts;
    }

    /** Public internet addresses only (the production setting). */
    public static HostPolicy publicOnly() {
        return new HostPolicy(InetAddress::getAllByName, PublicAddresses::isPublic, Set.of());
    }

    /** Any address, private ones included (the simulator runs on this machine). */
    static HostPolicy anyAddress() {
        return new HostPolicy(InetAddress::getAllByName, ANY, Set.of());
    }

    /** The same policy, but {@code host} (by name, as written in URLs) may resolve anywhere. */
    HostPolicy trusting(String host) {
        return new HostPolicy(
                resolver,
                allowed,
                Stream.concat(trustedHosts.stream(), Stream.of(normalize(host)))
                        .collect(Collectors.toUnmodifiableSet()));
    }

    public HostPolicy withResolver(Resolver other) {
        return new HostPolicy(other, allowed, trustedHosts);
    }

    /** The same policy judging addresses by {@code check} instead. */
    public HostPolicy withAddressCheck(Predicate<InetAddress> check) {
        return new HostPolicy(resolver, check, trustedHosts);
    }

    private static final Predicate<InetAddress> ANY = address -> true;

    boolean allowsAnyAddress() {
        return allowed == ANY;
    }

    /**
     * The addresses of {@code host}, all of them allowed.
     *
     * @throws BlockedAddressException when any of them is not (a name with one private address among
     *     public ones is refused whole: its owner controls which one we would get)
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String name = normalize(host);
        InetAddress[] addresses = resolver.resolve(name);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(name);
        }
        if (trustedHosts.contains(name)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (!allowed.test(address)) {
                throw new BlockedAddressException("host " + name + " resolves to a non-public address "
                        + address.getHostAddress() + " (of " + Arrays.toString(addresses) + ")");
            }
        }
        return addresses;
    }

    /** URIs write IPv6 literals in brackets; names compare case-insensitively. */
    public static String normalize(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
