package dev.renderbank.identity.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * {@code renderbank.trusted-proxies}: addresses or CIDR ranges (e.g. {@code 10.0.0.0/8}) of the
 * reverse proxies in front of the application. Only a request that comes straight from one of them
 * may name the client in {@code X-Forwarded-For}; anyone else could write any address there and
 * escape the per-address limits. Default none: the peer's address is the client.
 */
@ConfigurationProperties("renderbank")
public record TrustedProxies(@DefaultValue List<String> trustedProxies) {

    /** An IPv4 address with a port, as some proxies write the client. */
    private static final Pattern V4_WITH_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");

    /** A bracketed IPv6 address, with or without a port. */
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9a-fA-F:.]+)](?::\\d{1,5})?");

    /** IP literals only: a host name here would be resolved on every check. */
    private static final Pattern IP_OR_CIDR = Pattern.compile("[0-9a-fA-F:.]+(/\\d{1,3})?");

    public TrustedProxies {
        trustedProxies = List.copyOf(trustedProxies);
        for (String p : trustedProxies) {
            if (!IP_OR_CIDR.matcher(p.strip()).matches()) {
                throw new IllegalArgumentException("renderbank.trusted-proxies: '" + p
                        + "' is not an IP address or CIDR range (e.g. 10.0.0.5 or 10.0.0.0/8)");
            }
            new IpAddressMatcher(p.strip()); // rejects a malformed range at start-up
        }
    }

    /** Whether {@code address} (an IP literal; anything else is not trusted) is one of the proxies. */
    public boolean trusts(String address) {
        return ClientKeys.literal(address)
                .map(a -> trustsLiteral(a.getHostAddress()))
                .orElse(false);
    }

    private boolean trustsLiteral(String literal) {
        for (String p : trustedProxies) {
            try {
                if (new IpAddressMatcher(p.strip()).matches(literal)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not comparable with this range: not this proxy
            }
        }
        return false;
    }

    /**
     * The client's address: the peer's, unless the peer is a trusted proxy; then the right-most
     * address of {@code X-Forwarded-For} that is not itself a trusted proxy (entries further left
     * were written by the client and prove nothing). Some proxies write the client's port too ({@code
     * 203.0.113.7:51234}, {@code [2001:db8::1]:443}) or bracket an IPv6 address: the address is read
     * without them, or every client behind such a proxy would share the proxy's limits. A hop that is
     * not an IP literal (a range, "unknown", garbage) cannot be the client: the peer is counted
     * instead, never an error.
     */
    public String clientAddress(String peer, String forwardedFor) {
        return clientAddressFromLines(peer, forwardedFor == null ? List.of() : List.of(forwardedFor));
    }

    /**
     * {@link #clientAddress} for every {@code X-Forwarded-For} line of a request, in the order
     * received ({@code request.getHeaders}). A proxy may add its own line rather than append to the
     * client's (HAProxy's {@code option forwardfor} does), and the client's line then comes first: the
     * lines are read as one comma list, as RFC 9110 reads a repeated list header, so the proxy's hop
     * is the right-most. Reading the first line alone let the client name itself.
     */
    public String clientAddressFromLines(String peer, List<String> forwardedFor) {
        if (!trusts(peer) || forwardedFor == null) {
            return peer;
        }
        String joined =
                String.join(",", forwardedFor.stream().filter(l -> l != null).toList());
        if (joined.isBlank()) {
            return peer;
        }
        String[] hops = joined.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = withoutPort(hops[i].strip());
            if (!trusts(hop)) {
                return ClientKeys.literal(hop).map(InetAddress::getHostAddress).orElse(peer);
            }
        }
        return peer;
    }

    /** The hop's address without the port or brackets a proxy may have written around it. */
    static String withoutPort(String hop) {
        Matcher v4 = V4_WITH_PORT.matcher(hop);
        if (v4.matches()) {
            return v4.group(1);
        }
        Matcher v6 = BRACKETED.matcher(hop);
        return v6.matches() ? v6.group(1) : hop;
    }
}
