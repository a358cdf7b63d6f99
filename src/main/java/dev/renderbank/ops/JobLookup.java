package dev.renderbank.ops;

import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Finds one job by its task id ({@code gen_…}) or by the provider's task id and gathers its {@link
 * JobDossier}: what a user's "my job …" complaint needs, whatever state the job is in. A read: not
 * audited (as the user dossier is not).
 */
@Service
public class JobLookup {

    /**
     * What a task id of ours or of the provider can look like; anything else names no job and is
     * not sent to the database (text PostgreSQL cannot store, a megabyte of it).
     */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}");

    private final OperatorJobs jobs;
    private final Users users;
    private final AccountDeletion deletions;
    private final Ledger ledger;
    private final Audit audit;
    private final Clock clock;

    JobLookup(OperatorJobs jobs, Users users, AccountDeletion deletions, Ledger ledger, Audit audit, Clock clock) {
        this.jobs = jobs;
        this.users = users;
        this.deletions = deletions;
        this.ledger = ledger;
        this.audit = audit;
        this.clock = clock;
    }

    /** Whether {@code id} can be a task id at all (else it names no job). */
    public static boolean plausible(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** {@code id}: our task id, else the provider's; empty when neither names a job. */
    public Optional<JobDossier> find(String id) {
        String q = id == null ? null : id.strip();
        if (!plausible(q)) {
            return Optional.empty();
        }
        return jobs.lookup(q).map(found -> {
            long owner = found.job().userId();
            String key = found.job().id(); // the job's hold is keyed by the job's id
            return new JobDossier(
                    found,
                    users.byId(owner).orElse(null),
                    deletions.isDeleted(owner),
                    ledger.hold(key).orElse(null),
                    ledger.entries(key),
                    audit.list(null, null, JobActions.target(key), null, 50),
                    clock.instant());
        });
    }
}
