package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobPage;
import dev.renderbank.generation.JobView;
import dev.renderbank.platform.InvalidFieldException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * A user's jobs, newest first, in pages. The cursor is the last row's (created_at, id), opaque to
 * clients, so a page never repeats or skips a job inserted meanwhile.
 */
@Component
public class JobListing {

    private final JobStore jobs;

    JobListing(JobStore jobs) {
        this.jobs = jobs;
    }

    /** Bad {@code status}, {@code cursor} or {@code limit} are the caller's mistake: a 400 naming the field. */
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private static final Pattern CURSOR_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    public JobPage list(long userId, String status, String cursor, int limit) {
        return list(userId, null, status, cursor, limit);
    }

    /** As {@link #list(long, String, String, int)}, of one asset type ({@code image}, {@code video}) or all. */
    public JobPage list(long userId, String type, String status, String cursor, int limit) {
        String typeName = type == null || type.isBlank() ? null : typeFor(type);
        if (limit < 1 || limit > 100) {
            throw new InvalidFieldException("limit", "must be between 1 and 100");
        }
        String states = status == null || status.isBlank() ? null : statesFor(status);
        Instant beforeCreated = LATEST;
        String beforeId = "";
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
                beforeCreated = Instant.parse(parts[0]);
                beforeId = parts[1];
            } catch (RuntimeException e) {
                throw new InvalidFieldException("cursor", "is not one this API returned");
            }
            // what a returned cursor holds: a job's time of creation (one PostgreSQL can store) and id
            if (beforeCreated.isBefore(Instant.EPOCH)
                    || beforeCreated.isAfter(LATEST)
                    || !CURSOR_ID.matcher(beforeId).matches()) {
                throw new InvalidFieldException("cursor", "is not one this API returned");
            }
        } else {
            beforeId = "\uffff";
        }
        List<Job> rows = jobs.page(userId, typeName, states, beforeCreated, beforeId, limit + 1);
        if (rows.size() <= limit) {
            return new JobPage(views(rows), null);
        }
        List<Job> page = rows.subList(0, limit);
        Job last = page.get(limit - 1);
        String next = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        return new JobPage(views(page), next);
    }

    private static List<JobView> views(List<Job> rows) {
        return rows.stream().map(Job::view).toList();
    }

    private static String typeFor(String type) {
        return switch (type) {
            case "image" -> "IMAGE";
            case "video" -> "VIDEO";
            default -> throw new InvalidFieldException("type", "must be image or video");
        };
    }

    private static String statesFor(String status) {
        return switch (status) {
            case "queued" -> "RESERVED,SUBMITTED";
            case "processing" -> "RUNNING,UNKNOWN";
            case "completed" -> "SUCCEEDED";
            case "failed" -> "FAILED";
            default ->
                throw new InvalidFieldException("status", "must be one of queued, processing, completed, failed");
        };
    }
}
