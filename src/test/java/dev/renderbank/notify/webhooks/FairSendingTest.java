package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sending is shared fairly: one user's slow receiver with a backlog of due deliveries holds one of
 * the senders ({@code renderbank.webhooks.senders}) at a time, so another user's delivery waits for
 * one attempt at most, not for the whole backlog; and an endpoint is never sent two deliveries at
 * once. The receiver answers a POST under {@code /held/} only when the test lets one more through
 * ({@link #gates}), and one under {@code /slow/} after {@link #hold} (a few of the sender's looks for
 * due deliveries, each of which could send a second one at once).
 */
class FairSendingTest extends IntegrationTest {

    static final ExecutorService threads = Executors.newCachedThreadPool();
    static HttpServer receiver;

    /** Per path under {@code /held/}: one permit lets one POST be answered. */
    static final Map<String, Semaphore> gates = new ConcurrentHashMap<>();

    /** How long a POST under {@code /slow/} is held (set by the test that sends there). */
    static volatile Duration hold = Duration.ofSeconds(1);

    /** Per path: POSTs being answered now, the most at once, and how many were answered. */
    static final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    static final Map<String, AtomicInteger> mostAtOnce = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    static final Map<String, Instant> firstArrived = new ConcurrentHashMap<>();

    @BeforeAll
    static void up() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(threads);
        receiver.createContext("/", FairSendingTest::answer);
        receiver.start();
    }

    @AfterAll
    static void down() {
        gates.values().forEach(g -> g.release(1_000));
        receiver.stop(0);
        threads.shutdownNow();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        firstArrived.putIfAbsent(path, Instant.now());
        int now = inFlight.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        mostAtOnce.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            exchange.getRequestBody().readAllBytes();
            if (path.startsWith("/held/")) {
                // bounded only so that a failed test does not hold the receiver's threads for ever
                gate(path).tryAcquire(1, TimeUnit.MINUTES);
            } else if (path.startsWith("/slow/")) {
                // a real-time wait on purpose: the window in which a second POST must not come
                Thread.sleep(hold.toMillis());
            }
            exchange.sendResponseHeaders(200, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.get(path).decrementAndGet();
            answered.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            exchange.close();
        }
    }

    private static Semaphore gate(String path) {
        return gates.computeIfAbsent(path, p -> new Semaphore(0));
    }

    private static int answered(String path) {
        return answered.getOrDefault(path, new AtomicInteger()).get();
    }

    @Autowired
    TestUsers users;

    @Autowired
    WebhookProperties props;

    @Autowired
    EndpointStore endpoints;

    @Autowired
    DeliveryStore deliveries;

    @Autowired
    TransactionTemplate tx;

    /**
     * The slow receiver's first attempt is held while the other user's delivery is queued; then the
     * slow receiver may answer one attempt, no more. The other delivery must arrive with the backlog's
     * other eleven still waiting, and soon: one look of the sender, not one per backlog attempt.
     */
    @Test
    void aSlowReceiversBacklogDelaysAnotherUsersDeliveryByOneAttemptAtMost() {
        String tag = UUID.randomUUID().toString();
        String slowPath = "/held/" + tag;
        TestUsers.TestUser slowOwner = users.create(0);
        String slow = endpoint(slowOwner, slowPath);
        // twelve attempts, due since long before anything else
        Instant longAgo = clock.instant().minus(Duration.ofDays(1));
        tx.executeWithoutResult(s -> {
            for (int i = 0; i < 12; i++) {
                deliver(slowOwner, slow, "backlog-" + i, longAgo.plusMillis(i));
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> firstArrived.containsKey(slowPath));

        String quickPath = "/quick/" + tag;
        TestUsers.TestUser other = users.create(0);
        String quick = endpoint(other, quickPath);
        Instant queued = Instant.now();
        deliver(other, quick, "other-user", clock.instant());
        gate(slowPath).release(1); // the attempt under way may end: one attempt, no more
        await("another user's delivery while the slow receiver may answer one attempt only")
                .atMost(Duration.ofSeconds(30))
                .until(() -> firstArrived.containsKey(quickPath));

        assertThat(Duration.between(queued, firstArrived.get(quickPath)))
                .as(
                        "another user's delivery waits one slow attempt at most, not the slow receiver's backlog"
                                + " (%d of 12 answered by then)",
                        answered(slowPath))
                .isLessThan(Duration.ofSeconds(2));
        gate(slowPath).release(11);
        await().atMost(Duration.ofSeconds(40)).until(() -> answered(slowPath) == 12);
    }

    @Test
    void anEndpointIsNeverSentTwoDeliveriesAtOnce() {
        // three of the sender's looks for due deliveries per POST: three chances to send a second at once
        hold = props.sendInterval().multipliedBy(3);
        String tag = UUID.randomUUID().toString();
        TestUsers.TestUser owner = users.create(0);
        List<String> paths = List.of("/slow/" + tag + "/a", "/slow/" + tag + "/b");
        List<String> ids = paths.stream().map(p -> endpoint(owner, p)).toList();
        Instant due = clock.instant().minus(Duration.ofHours(1));
        tx.executeWithoutResult(s -> {
            for (int i = 0; i < 6; i++) {
                for (String id : ids) {
                    deliver(owner, id, "once-at-a-time-" + i, due);
                }
            }
        });
        await().atMost(Duration.ofSeconds(40))
                .until(() -> paths.stream()
                        .allMatch(
                                p -> answered.containsKey(p) && answered.get(p).get() == 6));
        for (String p : paths) {
            assertThat(mostAtOnce.get(p).get())
                    .as("POSTs to %s under way at once", p)
                    .isEqualTo(1);
        }
    }

    /**
     * An owner with five endpoints, each with deliveries due for longer, does not go before another
     * owner's one endpoint: every owner's first endpoint has its turn before anyone's second. Claimed
     * one at a time at an hour from now (when these are due and the running sender does not look).
     */
    @Test
    void anOwnerWithManyEndpointsDoesNotGoBeforeAnotherOwnersFirstTurn() {
        String tag = UUID.randomUUID().toString();
        Instant at = clock.instant().plus(Duration.ofHours(1));
        TestUsers.TestUser many = users.create(0);
        List<String> manyEndpoints = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = endpoint(many, "/many/" + tag + "/" + i);
            manyEndpoints.add(id);
            for (int j = 0; j < 3; j++) {
                deliver(many, id, "many-" + j, at.minus(Duration.ofMinutes(30)).plusSeconds(i * 3 + j));
            }
        }
        TestUsers.TestUser one = users.create(0);
        String single = endpoint(one, "/one/" + tag);
        deliver(one, single, "one", at.minus(Duration.ofMinutes(1)));

        int manyBefore = 0;
        boolean singleClaimed = false;
        for (int n = 0; n < 100 && !singleClaimed; n++) {
            List<DeliveryStore.Claimed> claimed = deliveries.claimDue(at, at.plus(Duration.ofMinutes(1)), 1);
            assertThat(claimed).as("claim %d", n).hasSize(1);
            String endpoint = claimed.get(0).endpointId();
            singleClaimed = endpoint.equals(single);
            manyBefore += manyEndpoints.contains(endpoint) ? 1 : 0;
        }
        assertThat(singleClaimed).isTrue();
        assertThat(manyBefore)
                .as("deliveries of the owner with five endpoints claimed before the other owner's one")
                .isLessThanOrEqualTo(1);
    }

    private void deliver(TestUsers.TestUser owner, String endpointId, String key, Instant due) {
        assertThat(deliveries.insert(
                        "msg_" + UUID.randomUUID().toString().replace("-", ""),
                        endpointId,
                        owner.id(),
                        "credits.granted|fair-" + key + "-" + endpointId,
                        "credits.granted",
                        "{}",
                        due,
                        clock.instant().plus(Duration.ofHours(24))))
                .isTrue();
    }

    private String endpoint(TestUsers.TestUser owner, String path) {
        String id = "we_" + UUID.randomUUID().toString().replace("-", "");
        assertThat(endpoints.insertWithinCap(
                        id,
                        owner.id(),
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + path,
                        List.of("credits.granted"),
                        StandardWebhooks.newSecret(),
                        10,
                        clock.instant(),
                        0))
                .isTrue();
        return id;
    }
}
