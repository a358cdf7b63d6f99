package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** X-Forwarded-For names the client only when the peer is a trusted proxy, and only its right-most untrusted hop. */
class TrustedProxiesTest {

    @Test
    void withNoTrustedProxiesThePeerIsTheClient() {
        TrustedProxies none = new TrustedProxies(List.of());
        assertThat(none.clientAddress("203.0.113.7", "198.51.100.1")).isEqualTo("203.0.113.7");
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "192.0.2.10"));
        // the client wrote "1.2.3.4" itself; the load balancer appended the real address
        assertThat(proxies.clientAddress("10.1.2.3", "1.2.3.4, 198.51.100.9")).isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddress("10.1.2.3", "198.51.100.9, 192.0.2.10"))
                .isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddress("10.1.2.3", null)).isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddress("10.1.2.3", "not-an-address")).isEqualTo("10.1.2.3");
        // an untrusted peer's header is ignored
        assertThat(proxies.clientAddress("203.0.113.7", "198.51.100.9")).isEqualTo("203.0.113.7");
    }

    /**
     * Several X-Forwarded-For lines are one list in the order received: the client's forged line
     * first, the trusted proxy's own line after it; the proxy's hop is the client.
     */
    @Test
    void severalHeaderLinesAreOneListReadFromTheRight() {
        TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8"));
        assertThat(proxies.clientAddressFromLines("10.1.2.3", List.of("203.0.113.66", "198.51.100.9")))
                .isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddressFromLines(
                        "10.1.2.3", List.of("203.0.113.66, 10.0.0.7", "198.51.100.9, 10.9.9.9")))
                .isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddressFromLines("10.1.2.3", List.of("198.51.100.9", "10.0.0.7")))
                .isEqualTo("198.51.100.9");
        // a right-most hop that is no address, even an empty line, counts the peer, as within one line
        assertThat(proxies.clientAddressFromLines("10.1.2.3", List.of("198.51.100.9", " ")))
                .isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddressFromLines("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddressFromLines("203.0.113.7", List.of("198.51.100.9", "198.51.100.10")))
                .as("an untrusted peer's lines are ignored")
                .isEqualTo("203.0.113.7");
    }

    @Test
    void aHostNameOrMalformedRangeIsRefusedAtStart() {
        assertThatThrownBy(() -> new TrustedProxies(List.of("proxy.internal")))
                .hasMessageContaining("renderbank.trusted-proxies");
        assertThatThrownBy(() -> new TrustedProxies(List.of("10.0.0.0/99"))).isInstanceOf(RuntimeException.class);
    }

    /**
     * Whatever a trusted proxy passes on from the client in X-Forwarded-For (it appends, it does not
     * clean), the answer is an address or the peer: never an exception (a 500 at /login).
     */
    @Test
    void oddForwardedValuesNeverThrowAndNeverBecomeTheClient() {
        TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "2001:db8:ffff::/48"));
        List<String> odd = List.of(
                "1.2.3",
                "abc",
                "1.2.3.4/24",
                "10.0.0.0/8",
                "1:2",
                ":::",
                "1.2.3.4.5",
                "999.1.1.1",
                "1.2.3.4:",
                "1.2.3.4:123456",
                "1.2.3.4:8080:1",
                "[1.2.3.4]x",
                "[]:80",
                "[::zz]:80",
                "fe80::1%eth0",
                "::ffff:zz",
                "12345",
                "0x7f.1",
                "1..2.3",
                ".",
                ":",
                "/",
                "/8",
                "a".repeat(60),
                "1:2:3:4:5:6:7:8:9",
                "\u0000",
                ",,,",
                "unknown");
        for (String value : odd) {
            for (String peer : List.of("10.1.2.3", "2001:db8:ffff::7")) {
                assertThat(proxies.clientAddress(peer, value)).as(value).isEqualTo(peer);
                assertThat(proxies.clientAddress(peer, value + ", " + value))
                        .as(value)
                        .isEqualTo(peer);
            }
            assertThat(proxies.trusts(value)).as(value).isFalse();
        }
        assertThat(proxies.clientAddress("10.1.2.3", "junk, 198.51.100.9")).isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddress("10.1.2.3", "2001:DB8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(proxies.trusts("2001:db8:ffff:1::9")).isTrue();
    }

    /**
     * Some proxies write the client's port with its address, or bracket an IPv6 address: the client
     * is the address, not the proxy (else every client behind the proxy shares its limits); a port on
     * a trusted proxy's own hop does not make it a client.
     */
    @Test
    void aHopWithAPortOrBracketsIsItsAddress() {
        TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "2001:db8:ffff::/48"));
        assertThat(proxies.clientAddress("10.1.2.3", "198.51.100.9:51234")).isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddress("10.1.2.3", "[2001:DB8::1]:443")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(proxies.clientAddress("10.1.2.3", "[2001:db8::1]")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(proxies.clientAddress("10.1.2.3", "198.51.100.9:1, 10.9.9.9:8080"))
                .isEqualTo("198.51.100.9");
        assertThat(proxies.clientAddress("10.1.2.3", "[::1]")).isEqualTo("0:0:0:0:0:0:0:1");
        // a trusted proxy's port does not let it name itself the client's address either
        assertThat(proxies.clientAddress("10.1.2.3", "[2001:db8:ffff::5]:80")).isEqualTo("10.1.2.3");
        assertThat(proxies.trusts("10.255.0.1")).isTrue();
    }

    /**
     * One IPv6 subscriber usually gets a whole /64: counting per address would let a guesser rotate
     * through 2^64 addresses. IPv6 clients are counted per /64, IPv4 per address (an IPv4 address
     * mapped into IPv6 is the IPv4 address).
     */
    @Test
    void ipv6ClientsAreCountedPerSlash64AndIpv4PerAddress() {
        assertThat(ClientKeys.of("2001:db8:1:2:aaaa::1")).isEqualTo(ClientKeys.of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertThat(ClientKeys.of("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientKeys.of("2001:db8:1:3::1")).isNotEqualTo(ClientKeys.of("2001:db8:1:2::1"));
        assertThat(ClientKeys.of("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
        assertThat(ClientKeys.of("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(ClientKeys.of("198.51.100.8")).isNotEqualTo(ClientKeys.of("198.51.100.7"));
        assertThat(ClientKeys.of("::ffff:198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(ClientKeys.of("not an address")).isEqualTo("not an address");
    }
}
