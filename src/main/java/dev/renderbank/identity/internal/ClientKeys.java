package dev.renderbank.identity.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who counts as one client for the sign-in throttle and the sign-up, resend and reset limits. An
 * IPv4 address is one client. An IPv6 subscriber is usually given a whole /64 and can use any of
 * its 2^64 addresses, so counting per IPv6 address would let a guesser rotate past every limit: an
 * IPv6 client is its /64 prefix. Also the one place that reads IP literals, without ever asking DNS.
 */
public final class ClientKeys {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /** The characters of an IPv6 literal (a ':' makes the JDK parse it as one, never resolve it). */
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private ClientKeys() {}

    /** The client's key: an IPv4 address as is, an IPv6 address as its /64; anything else as given (capped). */
    public static String of(String address) {
        Optional<InetAddress> literal = literal(address);
        if (literal.isEmpty()) {
            String raw = address == null ? "" : address.strip();
            return raw.length() <= 64 ? raw : raw.substring(0, 64);
        }
        InetAddress a = literal.get();
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            return String.format(
                    "%x:%x:%x:%x::/64",
                    ((b[0] & 0xff) << 8) | (b[1] & 0xff),
                    ((b[2] & 0xff) << 8) | (b[3] & 0xff),
                    ((b[4] & 0xff) << 8) | (b[5] & 0xff),
                    ((b[6] & 0xff) << 8) | (b[7] & 0xff));
        }
        return a.getHostAddress();
    }

    /**
     * The address written in {@code text} if it is an IPv4 (dotted quad) or IPv6 literal, without a
     * zone; empty for anything else, host names included (never looked up). An IPv4 address written
     * as IPv4-mapped IPv6 comes back as IPv4.
     */
    static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        boolean v4 = IPV4.matcher(s).matches();
        if (!v4 && !(s.indexOf(':') >= 0 && IPV6.matcher(s).matches())) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            return a instanceof Inet4Address || a instanceof Inet6Address ? Optional.of(a) : Optional.empty();
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.empty(); // a malformed literal; with a ':' the JDK never resolves it
        }
    }
}
