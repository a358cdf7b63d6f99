package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Webhook URLs may only reach the public internet (SSRF): checked at registration here, and by the
 * same {@link WebhookUrlPolicy#resolve} that the sender's HTTP client resolves through at each send.
 */
class WebhookUrlPolicyTest {

    /** A fake DNS: names map to fixed addresses; literals resolve to themselves. */
    static WebhookUrlPolicy.Resolver dns(Map<String, String> names) {
        return host -> {
            String ip = names.get(host);
            if (ip != null) {
                return new InetAddress[] {InetAddress.getByName(ip)};
            }
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        };
    }

    final WebhookUrlPolicy strict = new WebhookUrlPolicy(
            false,
            dns(Map.of(
                    "hooks.example.com", "93.184.216.34",
                    "internal.example.com", "10.1.2.3",
                    "metadata.example.com", "169.254.169.254")));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://127.0.0.1/hook",
                "https://169.254.169.254/latest/meta-data/",
                "https://[::1]/hook",
                "https://10.0.0.5/hook",
                "https://192.168.1.10/hook",
                "https://172.16.0.1/hook",
                "https://[::ffff:127.0.0.1]/hook",
                "https://[::ffff:169.254.169.254]/hook",
                "https://[fe80::1]/hook",
                "https://[fd00::1]/hook",
                "https://0.0.0.0/hook",
                "https://internal.example.com/hook",
                "https://metadata.example.com/hook"
            })
    void privateLoopbackLinkLocalAndMetadataTargetsAreRefused(String url) {
        assertThat(strict.refusal(url)).hasValueSatisfying(m -> assertThat(m).contains("public internet"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://2130706433/hook", "https://0x7f.1/hook", "https://0177.0.0.1/hook"})
    void oddNumericHostFormsAreRefused(String url) {
        assertThat(strict.refusal(url)).isPresent();
    }

    /**
     * Registration looks the host up on the request thread: a name whose servers never answer (a
     * fresh subdomain each time, so no cache helps) held a request thread for the resolver's whole
     * wait, and a client could take every one of them. Each lookup is cut at the policy's timeout and
     * only so many run at once on the node (a lookup that outlived its request included: a name
     * lookup cannot be interrupted); beyond that a registration is refused at once, to be tried again.
     */
    @Test
    void aHostWhoseNameServersNeverAnswerIsRefusedInTimeAndLookupsAreBounded() {
        CountDownLatch answer = new CountDownLatch(1);
        WebhookUrlPolicy.Resolver slow = host -> {
            if (host.endsWith(".silent.example")) {
                awaitDeafly(answer);
            }
            return new InetAddress[] {InetAddress.getByName("93.184.216.34")};
        };
        WebhookUrlPolicy policy = new WebhookUrlPolicy(false, slow, Duration.ofMillis(300), 2);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertThat(policy.refusal("https://a.silent.example/hook"))
                        .hasValueSatisfying(m -> assertThat(m).contains("did not answer"));
                assertThat(policy.refusal("https://b.silent.example/hook"))
                        .hasValueSatisfying(m -> assertThat(m).contains("did not answer"));
                // both lookups still under way: the next is refused without waiting
                assertThat(policy.refusal("https://c.silent.example/hook"))
                        .hasValueSatisfying(m -> assertThat(m).contains("too many"));
                assertThat(policy.refusal("https://hooks.example.com/hook"))
                        .hasValueSatisfying(m -> assertThat(m).contains("too many"));
            });
        } finally {
            answer.countDown();
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> policy.refusal("https://hooks.example.com/hook").isEmpty());
    }

    /** Waits for {@code answer} as a real name lookup does: deaf to interrupts, until the name servers answer. */
    static void awaitDeafly(CountDownLatch answer) {
        boolean interrupted = false;
        while (answer.getCount() > 0) {
            try {
                answer.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPublicHttpsUrlIsAccepted() {
        assertThat(strict.refusal("https://hooks.example.com/renderbank?x=1")).isEmpty();
    }

    @Test
    void plainHttpUserInfoOtherSchemesAndUnknownHostsAreRefused() {
        assertThat(strict.refusal("http://hooks.example.com/hook"))
                .hasValueSatisfying(m -> assertThat(m).contains("https"));
        assertThat(strict.refusal("ftp://hooks.example.com/hook")).isPresent();
        assertThat(strict.refusal("https://user:pw@hooks.example.com/hook")).isPresent();
        assertThat(strict.refusal("https://nowhere.example.com/hook"))
                .hasValueSatisfying(m -> assertThat(m).contains("does not resolve"));
        assertThat(strict.refusal("not a url")).isPresent();
        assertThat(strict.refusal("")).isPresent();
    }

    /**
     * What the URL itself shows is checked before its host is looked up: a plain http URL was answered
     * "names a host that does not resolve" (or waited for the name servers) instead of "must be an
     * https URL".
     */
    @Test
    void theUrlsOwnMistakesAreSaidWithoutLookingTheHostUp() {
        java.util.List<String> looked = new java.util.concurrent.CopyOnWriteArrayList<>();
        WebhookUrlPolicy p = new WebhookUrlPolicy(false, host -> {
            looked.add(host);
            throw new UnknownHostException(host);
        });
        assertThat(p.refusal("http://example.com/hook")).hasValue("must be an https URL");
        assertThat(p.refusal("ftp://example.com/hook")).hasValue("must be an https URL");
        assertThat(p.refusal("https://user:pw@example.com/hook")).isPresent();
        assertThat(p.refusal("https:///hook")).isPresent();
        assertThat(looked).isEmpty();
        assertThat(p.refusal("https://example.com/hook"))
                .hasValueSatisfying(m -> assertThat(m).contains("does not resolve"));
        assertThat(looked).containsExactly("example.com");
    }

    /** A host written in Unicode is the punycode name DNS knows; it was refused as naming no host. */
    @Test
    void anInternationalHostIsCheckedAndKeptAsItsPunycodeName() {
        WebhookUrlPolicy p = new WebhookUrlPolicy(false, dns(Map.of("xn--exmple-cua.com", "93.184.216.34")));
        assertThat(p.refusal("https://exämple.com/h")).isEmpty();
        assertThat(p.refusal("https://EXÄMPLE.com:8443/h?q=ä")).isEmpty();
        assertThat(WebhookUrlPolicy.ascii("https://exämple.com/h")).isEqualTo("https://xn--exmple-cua.com/h");
        assertThat(WebhookUrlPolicy.ascii("https://exämple.com:8443/h?q=1"))
                .isEqualTo("https://xn--exmple-cua.com:8443/h?q=1");
        assertThat(WebhookUrlPolicy.ascii("https://hooks.example.com/h")).isEqualTo("https://hooks.example.com/h");
        // letters that IDNA 2003 (java.net.IDN) maps to another name than browsers reach: refused, said how
        assertThat(p.refusal("https://faß.de/h"))
                .hasValueSatisfying(m -> assertThat(m).contains("punycode"));
    }

    @Test
    void allowingPrivateHostsAdmitsLoopbackOverHttpButNeverMetadata() {
        WebhookUrlPolicy dev = new WebhookUrlPolicy(true, dns(Map.of("hooks.example.com", "93.184.216.34")));
        assertThat(dev.refusal("http://127.0.0.1:8089/hook")).isEmpty();
        assertThat(dev.refusal("https://10.0.0.5/hook")).isEmpty();
        assertThat(dev.refusal("http://10.0.0.5/hook")).isPresent(); // plain http: loopback only
        assertThat(dev.refusal("http://hooks.example.com/hook")).isPresent();
        assertThat(dev.refusal("https://169.254.169.254/latest/meta-data/")).isPresent();
        assertThat(dev.refusal("https://[::ffff:169.254.169.254]/")).isPresent();
        assertThat(dev.refusal("https://[fe80::1]/")).isPresent();
    }

    /** DNS rebinding: a name that was public at registration is judged again when the client connects. */
    @Test
    void aNameThatLaterResolvesPrivateIsRefusedAtResolveTime() throws Exception {
        String[] answer = {"93.184.216.34"};
        WebhookUrlPolicy p = new WebhookUrlPolicy(false, host -> new InetAddress[] {InetAddress.getByName(answer[0])});
        assertThat(p.refusal("https://rebind.example.com/hook")).isEmpty();
        answer[0] = "127.0.0.1";
        assertThatThrownBy(() -> p.resolve("rebind.example.com"))
                .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class);
    }

    @Test
    void oneNonPublicAddressAmongPublicOnesRefusesTheName() {
        WebhookUrlPolicy p = new WebhookUrlPolicy(false, host ->
                new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")});
        assertThat(p.refusal("https://mixed.example.com/")).isPresent();
    }
}
