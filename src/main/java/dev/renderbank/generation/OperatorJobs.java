package dev.renderbank.generation;

import dev.renderbank.generation.internal.JobQueries;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/** Queries for operators (the command line, admin pages) across all users' jobs. */
@Service
public class OperatorJobs {

    private final JobQueries queries;

    OperatorJobs(JobQueries queries) {
        this.queries = queries;
    }

    /** Jobs still in flight that were accepted before {@code before}, oldest first. */
    public List<JobView> liveAcceptedBefore(Instant before, int limit) {
        return queries.liveCreatedBefore(before, limit);
    }
}
