package dev.renderbank.storage.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses are on the public internet. Everything a server-side request could use to reach
 * this machine, its network or a cloud metadata service is refused: loopback, private, link-local
 * (169.254.169.254), carrier-grade NAT, unspecified, multicast, reserved and documentation ranges,
 * IPv6 unique-local and link-local, and IPv6 forms that embed an IPv4 address (mapped, compatible,
 * NAT64, 6to4), which are judged by that embedded address.
 */
public final class PublicAddresses {

    private static final List<Block> IPV4_BLOCKED = List.of(
            Block.of("0.0.0.0/8"), // "this network", 0.0.0.0 reaches the local host on Linux
            Block.of("10.0.0.0/8"),
            Block.of("100.64.0.0/10"), // carrier-grade NAT
            Block.of("127.0.0.0/8"),
            Block.of("169.254.0.0/16"), // link-local, cloud metadata
            Block.of("172.16.0.0/12"),
            Block.of("192.0.0.0/24"), // IETF protocol assignments
            Block.of("192.0.2.0/24"), // documentation
            Block.of("192.88.99.0/24"), // 6to4 relay anycast
            Block.of("192.168.0.0/16"),
            Block.of("198.18.0.0/15"), // benchmarking
            Block.of("198.51.100.0/24"), // documentation
            Block.of("203.0.113.0/24"), // documentation
            Block.of("224.0.0.0/4"), // multicast
            Block.of("240.0.0.0/4")); // reserved, broadcast

    private static final List<Block> IPV6_BLOCKED = List.of(
            Block.of("::/128"),
            Block.of("::1/128"),
            Block.of("64:ff9b:1::/48"), // local-use NAT64
            Block.of("100::/64"), // discard
            Block.of("2001::/32"), // Teredo: hides the client address
            Block.of("2001:db8::/32"), // documentation
            Block.of("fc00::/7"), // unique local
            Block.of("fe80::/10"), // link-local
            Block.of("fec0::/10"), // old site-local
            Block.of("ff00::/8")); // multicast

    private PublicAddresses() {}

    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return IPV4_BLOCKED.stream().noneMatch(b -> b.contains(bytes));
        }
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(bytes);
            if (embedded != null) {
                return isPublic(ipv4(embedded));
            }
            return IPV6_BLOCKED.stream().noneMatch(b -> b.contains(bytes));
        }
        return false;
    }

    /** The IPv4 address inside an IPv4-mapped, -compatible, NAT64 (64:ff9b::/96) or 6to4 address. */
    private static byte[] embeddedIpv4(byte[] v6) {
        boolean firstTenZero = allZero(v6, 0, 10);
        boolean mapped = firstTenZero && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && v6[10] == 0 && v6[11] == 0; // also :: and ::1, as 0.0.0.x
        boolean nat64 =
                v6[0] == 0 && v6[1] == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b && allZero(v6, 4, 12);
        if (mapped || compatible || nat64) {
            return Arrays.copyOfRange(v6, 12, 16);
        }
        boolean sixToFour = v6[0] == 0x20 && v6[1] == 0x02;
        return sixToFour ? Arrays.copyOfRange(v6, 2, 6) : null;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private record Block(byte[] network, int prefixLength) {

        static Block of(String cidr) {
            int slash = cidr.indexOf('/');
            try {
                // literals only: getByName does no DNS lookup for them
                byte[] network = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
                return new Block(network, Integer.parseInt(cidr.substring(slash + 1)));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(cidr, e);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int restBits = prefixLength % 8;
            if (restBits == 0) {
                return true;
            }
            int mask = (0xff << (8 - restBits)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
