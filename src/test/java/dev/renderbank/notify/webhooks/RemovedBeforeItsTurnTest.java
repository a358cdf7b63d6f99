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
 * The sender claims a batch of deliveries at once (URL, secret and body read then) and POSTs them one
 * by one, each up to the read timeout. A delivery whose endpoint its owner removed, or whose account
 * was deleted, after the claim is not POSTed: "nothing more is sent to them" (README).
 */
class RemovedBeforeItsTurnTest extends IntegrationTest {

    static final ExecutorService threads = Executors.newCachedThreadPool();
    static HttpServer receiver;
    /** The paths POSTed to, in order. */
    static final Queue<String> received = new ConcurrentLinkedQueue<>();

    static final CountDownLatch held = new CountDownLatch(1);
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

    /** A 200 for every POST; the one to {@code /held} only once {@link #release} opens (a slow receiver). */
    private static void answer(HttpExchange exchange) throws IOException {
        try {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            received.add(path);
            if (path.startsWith("/held/")) {
                held.countDown();
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

    @Test
    void aDeliveryWhoseEndpointOrAccountGoesWhileItsBatchIsBeingSentIsNotPosted() throws Exception {
        TestUsers.TestUser slow = users.create(0);
        TestUsers.TestUser deleted = users.create(0);
        TestUsers.TestUser remover = users.create(0);
        TestUsers.TestUser last = users.create(0);
        String tag = UUID.randomUUID().toString();
        String heldEndpoint = endpoint(slow, "/held/" + tag);
        String deletedEndpoint = endpoint(deleted, "/deleted/" + tag);
        String removedEndpoint = endpoint(remover, "/removed/" + tag);
        String lastEndpoint = endpoint(last, "/last/" + tag);
        // one commit, due since long before anything else here: one claim takes all four, in this order
        Instant due = clock.instant().minus(Duration.ofDays(1));
        List<String> batch = List.of(heldEndpoint, deletedEndpoint, removedEndpoint, lastEndpoint);
        List<Long> owners = List.of(slow.id(), deleted.id(), remover.id(), last.id());
        tx.executeWithoutResult(s -> {
            for (int i = 0; i < batch.size(); i++) {
                assertThat(deliveries.insert(
                                "msg_" + UUID.randomUUID().toString().replace("-", ""),
                                batch.get(i),
                                owners.get(i),
                                "credits.granted|turn-" + batch.get(i),
                                "credits.granted",
                                "{}",
                                due.plusSeconds(i),
                                clock.instant().plus(Duration.ofHours(24))))
                        .isTrue();
            }
        });
        try {
            assertThat(held.await(20, TimeUnit.SECONDS))
                    .as("the first delivery of the batch reached the (slow) receiver")
                    .isTrue();
            assertThat(attempts(deletedEndpoint) + attempts(removedEndpoint))
                    .as("the others were claimed with the first: their URLs and secrets are in hand")
                    .isEqualTo(2);

            assertThat(deletion.delete(deleted.id(), "correct horse battery staple"))
                    .isInstanceOf(DeletionOutcome.Deleted.class);
            notifyHandlesTheDeletion(deleted.id());
            assertThat(webhooks.remove(remover.id(), removedEndpoint)).isTrue();
        } finally {
            release.countDown();
        }

        // the last delivery is POSTed after the others' turns: once it is in, those turns are over
        await().atMost(Duration.ofSeconds(20)).until(() -> received.contains("/last/" + tag));
        assertThat(received)
                .filteredOn(p -> p.endsWith(tag))
                .as("nothing is POSTed to a removed endpoint or a deleted account's")
                .containsExactly("/held/" + tag, "/last/" + tag);
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
