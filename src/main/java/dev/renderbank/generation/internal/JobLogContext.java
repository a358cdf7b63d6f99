package dev.renderbank.generation.internal;

import org.slf4j.MDC;

/**
 * Puts the job's id and its owner's id into the logging context (MDC) while a job is handled, so
 * that every line logged meanwhile — by this module, the provider gateway, storage — names them
 * (structured logs: the fields {@code jobId} and {@code userId}). Restores what was there before, so
 * nested use (a finish inside a scheduler step) is harmless.
 */
final class JobLogContext implements AutoCloseable {

    static final String JOB_ID = "jobId";
    static final String USER_ID = "userId";

    private final String previousJob;
    private final String previousUser;

    private JobLogContext(String jobId, String userId) {
        previousJob = MDC.get(JOB_ID);
        previousUser = MDC.get(USER_ID);
        MDC.put(JOB_ID, jobId);
        restore(USER_ID, userId);
    }

    static JobLogContext of(Job job) {
        return new JobLogContext(job.id(), Long.toString(job.userId()));
    }

    /**
     * The job's id alone, where the job is not read (yet): around a {@code try} whose {@code catch}
     * logs a failure, since Java closes a context opened by the {@code try} itself before its {@code
     * catch} runs. A user id of an enclosing context is left out meanwhile (it would name another job's
     * owner); a nested {@link #of(Job)} adds the job's own.
     */
    static JobLogContext ofId(String jobId) {
        return new JobLogContext(jobId, null);
    }

    @Override
    public void close() {
        restore(JOB_ID, previousJob);
        restore(USER_ID, previousUser);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
