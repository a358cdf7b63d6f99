package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.notify.Webhooks;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deliveries wait for a free sender (there are {@code renderbank.webhooks.senders}), each POST taking
 * up to the read timeout; a claimed delivery is looked up again just before its POST. A delivery
 * whose endpoint its owner removed, or whose account was deleted, while it waited is not POSTed:
 * "nothing more is sent to them" (README).
 */
class RemovedBeforeItsTurnTest extends IntegrationTest {

    static final ExecutorService threads = Executors.newCachedThreadPool();
    static HttpServer receiver;
    /** The paths POSTed to, in order. */
    static final Queue<String> received = new ConcurrentLinkedQueue<>();

    /** POSTs under {@code /held-batch/}: each answered only once {@link #release} opens (slow receivers). */
    static final Queue<String> held = new ConcurrentLinkedQueue<>();

    static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void up() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(threads);
        receiver.createContext("/", RemovedBeforeItsTurnTest::answer);
        receiver.start();
    }

    @AfterAll
    static void down() {
        release.countDown();
        receiver.stop(0);
        threads.shutdownNow();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            received.add(path);
            if (path.startsWith("/held-batch/") && held.add(path)) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
        } finally {
            exchange.close();
        }
    }

    @Autowired
    TestUsers users;

    @Autowired
    EndpointStore endpoints;

    @Autowired
    DeliveryStore deliveries;

    @Autowired
    Webhooks webhooks;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    WebhookProperties props;

    /**
     * Every sender is held by a slow receiver (one endpoint each, due first); meanwhile two more
     * deliveries are due, and one's account is deleted and the other's endpoint removed. Once the
     * senders are free, neither is POSTed. A further delivery, queued after the release, is POSTed:
     * once it is in, the two had their turn.
     */
    @Test
    void aDeliveryWhoseEndpointOrAccountGoesWhileItWaitsForASenderIsNotPosted() throws Exception {
        String tag = UUID.randomUUID().toString();
        Instant due = clock.instant().minus(Duration.ofDays(1));
        List<String> holding = new ArrayList<>();
        List<Hook> slow = new ArrayList<>();
        for (int i = 0; i < props.senders(); i++) {
            TestUsers.TestUser owner = users.create(0);
            String path = "/held-batch/" + tag + "/" + i;
            holding.add(path);
            slow.add(new Hook(owner, endpoint(owner, path)));
        }
        List<Hook> waiting = new ArrayList<>();
        for (String name : List.of("deleted", "removed")) {
            TestUsers.TestUser owner = users.create(0);
            waiting.add(new Hook(owner, endpoint(owner, "/waiting/" + tag + "/" + name)));
        }
        tx.executeWithoutResult(s -> {
            slow.forEach(h -> deliver(h, due));
            waiting.forEach(h -> deliver(h, due.plusSeconds(1)));
        });
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> held.stream().filter(p -> p.contains(tag)).count() == props.senders());
            assertThat(deletion.delete(waiting.get(0).owner().id(), "correct horse battery staple"))
                    .isInstanceOf(DeletionOutcome.Deleted.class);
            notifyHandlesTheDeletion(waiting.get(0).owner().id());
            assertThat(webhooks.remove(
                            waiting.get(1).owner().id(), waiting.get(1).endpoint()))
                    .isTrue();
        } finally {
            release.countDown();
        }

        TestUsers.TestUser later = users.create(0);
        String after = "/after/" + tag;
        tx.executeWithoutResult(s -> deliver(new Hook(later, endpoint(later, after)), clock.instant()));
        await().atMost(Duration.ofSeconds(20)).until(() -> received.contains(after));
        List<String> expected = new ArrayList<>(holding);
        expected.add(after);
        assertThat(received)
                .filteredOn(p -> p.contains(tag))
                .as("nothing is POSTed to a removed endpoint or a deleted account's")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * Between a deletion's commit and its handler's run (which removes the endpoints with their
     * deliveries; it runs after the commit, on a node's next poll), a due delivery is not POSTed
     * either: its send asks whether the account is deleted. The account is marked deleted in SQL here,
     * so that the handler cannot run first and hide the gap.
     */
    @Test
    void aDeliveryOfAnAccountDeletedBeforeTheDeletionsHandlerRanIsNotPosted() {
        dueDeliveryIsNotPostedAfter("update app_user set deleted_at = now() where id = :id", "/gone/");
    }

    /**
     * Between a password reset's commit and its clean-up (which removes the endpoints registered
     * before it, perhaps by whoever knew the old password; retried, it may run hours later), a due
     * delivery to such an endpoint is not POSTed: the account's data no longer goes there. The
     * recovery is counted in SQL here, so that the clean-up cannot run first and hide the gap.
     */
    @Test
    void aDeliveryToAnEndpointRegisteredBeforeThePasswordResetIsNotPosted() {
        dueDeliveryIsNotPostedAfter("update app_user set recoveries = recoveries + 1 where id = :id", "/before-reset/");
    }

    /**
     * An endpoint registered, then {@code change} (SQL on the owner's {@code :id}), then a delivery to
     * it due: claimed and tried (a later delivery of someone else is POSTed), but never POSTed.
     */
    private void dueDeliveryIsNotPostedAfter(String change, String pathPrefix) {
        String tag = UUID.randomUUID().toString();
        TestUsers.TestUser owner = users.create(0);
        Hook held = new Hook(owner, endpoint(owner, pathPrefix + tag));
        jdbc.sql(change).param("id", owner.id()).update();
        tx.executeWithoutResult(s -> deliver(held, clock.instant().minus(Duration.ofDays(1))));

        TestUsers.TestUser later = users.create(0);
        String after = "/after" + pathPrefix + tag;
        tx.executeWithoutResult(s -> deliver(new Hook(later, endpoint(later, after)), clock.instant()));
        await().atMost(Duration.ofSeconds(20)).until(() -> received.contains(after) && attempts(held.endpoint()) >= 1);
        // claimed: before the check it was POSTed within milliseconds of its claim
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> received.stream().noneMatch(p -> p.startsWith(pathPrefix + tag)));
    }

    private record Hook(TestUsers.TestUser owner, String endpoint) {}

    private void deliver(Hook h, Instant due) {
        assertThat(deliveries.insert(
                        "msg_" + UUID.randomUUID().toString().replace("-", ""),
                        h.endpoint(),
                        h.owner().id(),
                        "credits.granted|turn-" + h.endpoint(),
                        "credits.granted",
                        "{}",
                        due,
                        clock.instant().plus(Duration.ofHours(24))))
                .isTrue();
    }

    private int attempts(String endpointId) {
        return jdbc.sql("select attempts from webhook_delivery where endpoint_id = :e")
                .param("e", endpointId)
                .query(Integer.class)
                .single();
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

    /** This module's own part of a deletion (the durable event's handlers, run here directly). */
    @SuppressWarnings("unchecked")
    private void notifyHandlesTheDeletion(long userId) {
        handlers.stream()
                .filter(h -> h.eventType() == AccountDeleted.class && h.name().startsWith("notify."))
                .forEach(h -> ((DurableEventHandler<AccountDeleted>) h).handle(new AccountDeleted(userId)));
    }
}
