package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The client the sign-in throttle and the sign-up, resend and reset limits count: a guesser who
 * rotates IPv6 addresses inside one /64 (what one subscriber is usually given) stays one client,
 * whether the address is the peer's or forwarded by a trusted proxy; odd forwarded values fall back
 * to the peer instead of failing the request.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoginFlowClientTest {

    final LoginFlow flow = new LoginFlow(null, new TrustedProxies(List.of("10.0.0.1")), null, new MockEnvironment());

    String client(String peer, String forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setRemoteAddr(peer);
        if (forwardedFor != null) {
            request.addHeader("X-Forwarded-For", forwardedFor);
        }
        return flow.client(request);
    }

    @Test
    void addressesRotatedInsideOneSlash64AreOneClient() {
        Set<String> peers = new HashSet<>();
        Set<String> forwarded = new HashSet<>();
        for (int i = 1; i <= 50; i++) {
            String address = "2001:db8:a:b:" + Integer.toHexString((i * 7919) & 0xffff) + "::" + Integer.toHexString(i);
            peers.add(client(address, null));
            forwarded.add(client("10.0.0.1", address));
        }
        assertThat(peers).hasSize(1);
        assertThat(forwarded).isEqualTo(peers);
        assertThat(client("2001:db8:a:c::1", null)).isNotIn(peers);
        // IPv4 stays per address
        assertThat(client("198.51.100.1", null)).isNotEqualTo(client("198.51.100.2", null));
        assertThat(client("10.0.0.1", "198.51.100.1")).isEqualTo("198.51.100.1");
    }

    /**
     * A proxy that adds its own X-Forwarded-For line (HAProxy's {@code option forwardfor}, say) puts
     * it after the one the client sent: the lines are one list, read from the right.
     */
    @Test
    void aForgedFirstHeaderLineDoesNotNameTheClient() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setRemoteAddr("10.0.0.1");
        request.addHeader("X-Forwarded-For", "203.0.113.66");
        request.addHeader("X-Forwarded-For", "198.51.100.9");
        assertThat(flow.client(request)).isEqualTo("198.51.100.9");

        request.addHeader("X-Forwarded-For", "10.0.0.1, 203.0.113.77");
        assertThat(flow.client(request))
                .as("the last line's right-most untrusted hop")
                .isEqualTo("203.0.113.77");
    }

    /**
     * A proxy that forwards the client's address but is not named in renderbank.trusted-proxies makes
     * every client the proxy, sharing one throttle: the first such sign-in says so at WARN, once.
     */
    @Test
    void forwardedHeadersFromAPeerNobodyTrustsAreReportedOnce(CapturedOutput output) {
        LoginFlow fresh = new LoginFlow(null, new TrustedProxies(List.of("10.0.0.1")), null, new MockEnvironment());
        MockHttpServletRequest trusted = new MockHttpServletRequest("POST", "/login");
        trusted.setRemoteAddr("10.0.0.1");
        trusted.addHeader("X-Forwarded-For", "198.51.100.1");
        fresh.client(trusted);
        assertThat(output).doesNotContain("X-Forwarded-For header");

        for (int i = 0; i < 3; i++) {
            MockHttpServletRequest untrusted = new MockHttpServletRequest("POST", "/login");
            untrusted.setRemoteAddr("10.9.9.9");
            untrusted.addHeader("X-Forwarded-For", "198.51.100.1");
            assertThat(fresh.client(untrusted)).isEqualTo("10.9.9.9");
        }
        String said = "A sign-in came from 10.9.9.9 with an X-Forwarded-For header, and renderbank.trusted-proxies"
                + " does not list 10.9.9.9";
        assertThat(output.getOut().split(said, -1)).hasSize(2);
    }

    @Test
    void oddForwardedValuesFallBackToThePeer() {
        for (String odd : List.of("1.2.3", "abc", "1.2.3.4/24", "1:2", "1.2.3.4.5", "[::zz]", "unknown")) {
            assertThat(client("10.0.0.1", odd)).as(odd).isEqualTo("10.0.0.1");
        }
        // a port or brackets around the client's address are not odd: the address is the client
        assertThat(client("10.0.0.1", "[2001:db8:a:b::7]:443")).isEqualTo(client("2001:db8:a:b::1", null));
        assertThat(client("10.0.0.1", "198.51.100.1:51234")).isEqualTo("198.51.100.1");
    }
}
