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

    @Test
    void aHostNameOrMalformedRangeIsRefusedAtStart() {
        assertThatThrownBy(() -> new TrustedProxies(List.of("proxy.internal")))
                .hasMessageContaining("renderbank.trusted-proxies");
        assertThatThrownBy(() -> new TrustedProxies(List.of("10.0.0.0/99"))).isInstanceOf(RuntimeException.class);
    }
}
