package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.util.List;

/**
 * Jobs whose createTask answer was unclear yet named a task (a 503 around KIE's body), and the
 * callbacks and ledger rows their tests read.
 */
abstract class UnclearAnswerTest extends StubbedKieTest {

    /** A job accepted and submitted for {@code prompt}, whose answer (a 503) named {@code named}: UNKNOWN with it. */
    String unknownNaming(TestUser u, String prompt, String named) {
        createTaskAnswers(prompt, 503, answerNaming(named));
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(job(id).providerTaskId()).isEqualTo(named);
        return id;
    }

    /** KIE's success callback for {@code task}, to the job's own URL with its token. */
    Api.Response callback(String id, String task) {
        return api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                null,
                KieRecords.record(task, "\"state\":\"success\""));
    }

    static String answerNaming(String task) {
        return "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}";
    }

    /** The provider tasks recorded for the job (generation_provider_task). */
    List<String> taskRows(String jobId) {
        return jdbc.sql("select provider_task_id from generation_provider_task where job_id = :id")
                .param("id", jobId)
                .query(String.class)
                .list();
    }

    /** How many ledger entries of {@code kind} name the job. */
    long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }
}
