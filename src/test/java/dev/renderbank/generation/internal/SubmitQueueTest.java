package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import dev.renderbank.generation.GenerationProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code renderbank.jobs.submit-queue}: a node keeps at most submit-concurrency + submit-queue
 * just-accepted jobs in memory; the accept of one more is told to leave the job to its durable task
 * ({@link JobSubmitter#reserve} false), and every slot given back is free again.
 */
class SubmitQueueTest {

    static GenerationProperties props(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("renderbank", GenerationProperties.class);
    }

    static JobSubmitter submitter(GenerationProperties props) {
        DbSchedulerProperties scheduling = new DbSchedulerProperties();
        scheduling.setEnabled(true);
        scheduling.setImmediateExecutionEnabled(true);
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("scheduling", scheduling));
        return new JobSubmitter(
                null,
                null, // no submit is ever under way here: the provider's limit is never asked
                beans.getBeanProvider(SchedulerClient.class),
                beans.getBeanProvider(DbSchedulerProperties.class),
                props);
    }

    @Test
    void atMostTheSubmitThreadsPlusTheQueueWaitInMemory() throws Exception {
        JobSubmitter submitter = submitter(
                props(Map.of("renderbank.jobs.submit-concurrency", "2", "renderbank.jobs.submit-queue", "3")));
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(submitter.reserve()).as("slot " + i).isTrue();
            }
            assertThat(submitter.reserve())
                    .as("past threads + queue: the job's task submits it")
                    .isFalse();
            submitter.handOver(null, false); // an accept that did not commit gives its slot back
            assertThat(submitter.reserve()).isTrue();
            assertThat(submitter.reserve()).isFalse();
        } finally {
            submitter.destroy();
        }
    }

    @Test
    void theQueueDefaultsTo512AndMayBeZeroButNotNegative() throws Exception {
        assertThat(props(Map.of()).jobs().submitQueue()).isEqualTo(512);
        JobSubmitter none = submitter(
                props(Map.of("renderbank.jobs.submit-concurrency", "1", "renderbank.jobs.submit-queue", "0")));
        try {
            assertThat(none.reserve()).isTrue();
            assertThat(none.reserve()).isFalse();
        } finally {
            none.destroy();
        }
        assertThatThrownBy(() -> props(Map.of("renderbank.jobs.submit-queue", "-1")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("renderbank.jobs.submit-queue must be 0 or more");
    }
}
