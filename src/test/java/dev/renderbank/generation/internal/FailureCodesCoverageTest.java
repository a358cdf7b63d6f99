package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.FailureCodes;
import org.junit.jupiter.api.Test;

/** The job engine's own failure codes, by their constants, each have words ({@link FailureCodes}). */
class FailureCodesCoverageTest {

    @Test
    void everyCodeTheEngineEndsAJobWithHasWords() {
        String unknown = FailureCodes.inWords("no_such_code");
        for (String code : new String[] {
            FailureReasons.DEADLINE_CODE,
            FailureReasons.UNAVAILABLE_TOO_LONG_CODE,
            FailureReasons.TASK_NOT_FOUND_CODE,
            FailureReasons.NO_OUTPUT_CODE,
            FailureReasons.NO_STATE_CODE,
            JobTransitions.CANCELLED_CODE,
            OperatorRepairs.OPERATOR_FAILED,
            AccountDeletedJobs.CODE
        }) {
            assertThat(FailureCodes.inWords(code)).as(code).isNotEqualTo(unknown);
        }
    }
}
