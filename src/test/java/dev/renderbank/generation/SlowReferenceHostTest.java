package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Ledger;
import dev.renderbank.storage.ReferenceHosts;
import dev.renderbank.storage.ReferenceHostsTestSupport;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Reference image hosts are looked up while a generate request is accepted (to refuse private and
 * metadata addresses). A host whose name servers do not answer must not hold the request for long
 * nor let such requests pile up: the lookup has a total time bound, after which the request is
 * refused (422, naming the field), and a bound on lookups under way, beyond which requests are
 * refused at once (503 with Retry-After). Neither holds credits nor writes a job. Names are resolved
 * by a fake DNS in which {@code slow.example.com} does not answer until the test lets it.
 */
@TestPropertySource(
        properties = {
            "renderbank.storage.reference-lookup.timeout=1s",
            "renderbank.storage.reference-lookup.max-concurrent=2"
        })
@Import(SlowReferenceHostTest.SlowDns.class)
class SlowReferenceHostTest extends IntegrationTest {

    private static final String PATH = "/api/v1/generate-image";
    private static volatile CountDownLatch dnsAnswers = new CountDownLatch(1);
    private static final Set<String> slowHosts = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @BeforeEach
    void dnsHangs() {
        api = new Api(port);
        dnsAnswers = new CountDownLatch(1);
        slowHosts.clear();
        slowHosts.add("slow.example.com");
    }

    @AfterEach
    void dnsAnswers() {
        dnsAnswers.countDown();
    }

    @Test
    void aHostThatDoesNotAnswerInTimeIsRefusedNamingTheField() {
        TestUser u = users.create(100);
        long started = System.nanoTime();
        Api.Response r =
                api.post(PATH, u.token(), body("https://fast.example.com/a.png", "https://slow.example.com/b.png"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.body()).contains("imageUrls[1]").contains("did not answer in time");
        assertThat(took)
                .as("answered within the bound (1s), not when the host answers")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(jobsOf(u)).isZero();
        assertThat(ledger.balance(u.id()).held()).isZero();
    }

    @Test
    void beyondTheBoundOnLookupsUnderWayRequestsAreRefusedAtOnceHoldingNothing() throws Exception {
        TestUser u = users.create(100);
        // two lookups that never answer: their requests are refused after the time bound, but the
        // lookups themselves are still under way
        List<CompletableFuture<Api.Response>> hanging = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String url = "https://slow.example.com/" + i + ".png";
            hanging.add(CompletableFuture.supplyAsync(() -> api.post(PATH, u.token(), body(url))));
        }
        for (CompletableFuture<Api.Response> h : hanging) {
            assertThat(h.get(10, TimeUnit.SECONDS).status()).isEqualTo(422);
        }

        long started = System.nanoTime();
        Api.Response busy = api.post(PATH, u.token(), body("https://fast.example.com/c.png"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(busy.status()).as(busy.body()).isEqualTo(503);
        assertThat(busy.header("Content-Type")).startsWith("application/problem+json");
        assertThat(busy.header("Retry-After")).isNotBlank();
        assertThat(took).as("refused at once").isLessThan(Duration.ofSeconds(1));
        assertThat(jobsOf(u)).isZero();
        assertThat(ledger.balance(u.id()).held()).isZero();

        // once the host answers, the lookups end and requests are accepted again
        dnsAnswers.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Api.Response r = api.post(PATH, u.token(), body("https://fast.example.com/d.png"));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
        });
    }

    /**
     * A repeat of an accepted request (same Idempotency-Key, same body) answers as the first did,
     * 202 with its job, when its reference image's host no longer answers in time or when lookups
     * are at their bound: neither is a fault of the request, and its job exists.
     */
    @Test
    void aRepeatOfAnAcceptedRequestGetsItsJobWhenItsImagesCannotBeCheckedNow() throws Exception {
        TestUser u = users.create(100);
        Map<String, String> key = Map.of("Idempotency-Key", "accepted-before-the-host-went-quiet");
        String accepted = body("https://quiet-later.example.com/a.png");
        Api.Response first = api.post(PATH, u.token(), accepted, key);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String job = first.json().get("taskId").asString();

        slowHosts.add("quiet-later.example.com");
        Api.Response afterTimeout = api.post(PATH, u.token(), accepted, key);
        assertThat(afterTimeout.status()).as(afterTimeout.body()).isEqualTo(202);
        assertThat(afterTimeout.json().get("taskId").asString()).isEqualTo(job);

        // that lookup still hangs; one more fills the bound of two
        assertThat(api.post(PATH, u.token(), body("https://slow.example.com/b.png"))
                        .status())
                .isEqualTo(422);
        Api.Response whileBusy = api.post(PATH, u.token(), accepted, key);
        assertThat(whileBusy.status()).as(whileBusy.body()).isEqualTo(202);
        assertThat(whileBusy.json().get("taskId").asString()).isEqualTo(job);
        Api.Response newKey =
                api.post(PATH, u.token(), accepted, Map.of("Idempotency-Key", "a-new-request-while-busy"));
        assertThat(newKey.status()).as(newKey.body()).isEqualTo(503);
        assertThat(jobsOf(u)).isEqualTo(1);
    }

    private static String body(String... urls) {
        return "{\"model\":\"nano-banana\",\"prompt\":\"with a reference\",\"imageUrls\":[\""
                + String.join("\",\"", urls) + "\"]}";
    }

    private long jobsOf(TestUser u) {
        return jdbc.sql("select count(*) from generation_job where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    private static InetAddress[] dns(String host) throws UnknownHostException {
        if (slowHosts.contains(host)) {
            try {
                dnsAnswers.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host);
            }
        }
        if (host.endsWith(".example.com")) {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34})};
        }
        return InetAddress.getAllByName(host);
    }

    /** The application's reference hosts, as configured, with the fake DNS. */
    @TestConfiguration(proxyBeanMethods = false)
    static class SlowDns {
        @Bean
        @Primary
        ReferenceHosts slowDnsReferenceHosts(@Qualifier("referenceHosts") ReferenceHosts configured) {
            return ReferenceHostsTestSupport.resolvingWith(configured, SlowReferenceHostTest::dns);
        }
    }
}
