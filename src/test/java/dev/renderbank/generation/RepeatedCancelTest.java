package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.platform.DurableEvent;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.Api;
import dev.renderbank.support.BusinessRows;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cancel is answered from the job itself: a client whose cancel succeeded but whose answer was lost
 * (a timeout, a dropped connection) and that sends it again is told what the first answer said (200,
 * the job cancelled, its credits released), and nothing happens a second time: no second release or
 * ledger entry, no second event, so no second email or webhook. Two cancels at once release once and
 * both say cancelled.
 */
class RepeatedCancelTest extends StubbedKieTest {

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    JsonMapper json;

    private static String video(String prompt) {
        return "{\"model\":\"sora-2\",\"prompt\":\"" + prompt + "\"}";
    }

    private String waiting(TestUser u) {
        Api.Response r = api.post("/api/v1/generate-video", u.token(), video("cancel twice " + UUID.randomUUID()));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("taskId").asString();
    }

    private Api.Response cancel(TestUser u, String id) {
        return api.post("/api/v1/generations/" + id + "/cancel", u.token(), "");
    }

    @Test
    void aCancelSentAgainGetsTheFirstAnswerAndNothingHappensTwice() throws Exception {
        TestUser u = users.create(100);
        Api.Response endpoint = api.post(
                "/api/v1/webhook-endpoints",
                u.token(),
                "{\"url\":\"http://127.0.0.1:9/hooks/" + u.id() + "\",\"events\":[\"generation.failed\"]}");
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        String id = waiting(u);

        Api.Response first = cancel(u, id);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("status").asString()).isEqualTo("failed");
        assertThat(first.json().get("error").get("code").asString()).isEqualTo("cancelled");
        assertThat(first.json().get("creditsHeld").asLong()).isZero();
        // what follows the first cancel runs (webhook recorded; a cancel mails nothing): a second event
        // would show as a new task, a second delivery or email as a new row
        assertThat(runEvents(id)).isPositive();
        assertThat(webhookDeliveries(u)).isEqualTo(1);
        Map<String, Long> before = BusinessRows.of(jdbc);

        Api.Response again = cancel(u, id);

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.header("Content-Type")).isEqualTo(first.header("Content-Type"));
        assertThat(again.json()).isEqualTo(first.json());
        Map<String, Long> after = BusinessRows.of(jdbc);
        assertThat(after).as(BusinessRows.difference(before, after)).isEqualTo(before);
        assertThat(pendingEvents(id)).as("events published by the repeat").isEmpty();
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void twoCancelsAtOnceReleaseOnceAndBothSayCancelled() throws Exception {
        for (int round = 0; round < 6; round++) {
            TestUser u = users.create(100);
            String id = waiting(u);

            List<Api.Response> answers = Concurrently.run(() -> cancel(u, id), () -> cancel(u, id));

            for (Api.Response a : answers) {
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.json().get("status").asString()).isEqualTo("failed");
                assertThat(a.json().get("error").get("code").asString()).isEqualTo("cancelled");
                assertThat(a.json().get("creditsHeld").asLong()).isZero();
            }
            assertThat(entries(id, "RELEASE")).isEqualTo(1);
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anIdempotencyKeyChangesNothingOfARepeatedCancel() {
        TestUser u = users.create(100);
        String id = waiting(u);
        String path = "/api/v1/generations/" + id + "/cancel";

        Api.Response first = api.post(path, u.token(), "", Map.of("Idempotency-Key", "c-1"));
        Api.Response sameKey = api.post(path, u.token(), "", Map.of("Idempotency-Key", "c-1"));
        Api.Response otherKey = api.post(path, u.token(), "", Map.of("Idempotency-Key", "c-2"));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(sameKey.status()).as(sameKey.body()).isEqualTo(200);
        assertThat(otherKey.status()).as(otherKey.body()).isEqualTo(200);
        assertThat(sameKey.json()).isEqualTo(first.json());
        assertThat(otherKey.json()).isEqualTo(first.json());
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
    }

    private long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }

    private long webhookDeliveries(TestUser u) {
        return jdbc.sql("select count(*) from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id"
                        + " where e.user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    /** The job's finish events not yet handled (this context's scheduler never runs them). */
    private List<Map<String, Object>> pendingEvents(String jobId) {
        return jdbc.sql("""
                        select task_instance, task_data from scheduled_tasks
                         where task_name = 'durable-event' and task_instance like :instance""")
                .param("instance", "%:generation-finished:" + jobId)
                .query()
                .listOfRows();
    }

    /** Runs the job's pending finish events through their handlers, as a node would, and removes them. */
    private int runEvents(String jobId) throws Exception {
        List<Map<String, Object>> pending = pendingEvents(jobId);
        for (Map<String, Object> row : pending) {
            JsonNode envelope;
            try (ObjectInputStream in =
                    new ObjectInputStream(new ByteArrayInputStream((byte[]) row.get("task_data")))) {
                envelope = json.readTree((String) in.readObject());
            }
            DurableEventHandler<?> handler = handlers.stream()
                    .filter(h -> h.name().equals(envelope.get("handler").asString()))
                    .findFirst()
                    .orElseThrow();
            dispatch(handler, envelope.get("event").asString());
            jdbc.sql("delete from scheduled_tasks where task_name = 'durable-event' and task_instance = :i")
                    .param("i", row.get("task_instance"))
                    .update();
        }
        return pending.size();
    }

    private <E extends DurableEvent> void dispatch(DurableEventHandler<E> handler, String event) {
        handler.handle(json.readValue(event, handler.eventType()));
    }
}
