package dev.renderbank.account;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.JobView;

/**
 * What a creation's page says about its job, in words a user reads.
 *
 * @param downloadName the name its Download link suggests, the one the download itself gives
 *     ({@code ast_….png}); the asset id alone when its type is not known here
 */
record CreationStatus(String label, String css, boolean running, String assetUrl, boolean video, String downloadName) {

    static CreationStatus of(JobView job) {
        return of(job, job.assetId());
    }

    /** As {@link #of(JobView)}, the Download link suggesting {@code downloadName}. */
    static CreationStatus of(JobView job, String downloadName) {
        String asset = job.assetId() == null ? null : "/api/v1/assets/" + job.assetId();
        boolean video = job.type() == AssetType.VIDEO;
        if (job.assetDeleted()) {
            return new CreationStatus("File deleted", "muted", false, null, video, null);
        }
        return switch (job.state()) {
            // as the API's status and the creations filter: submitted is still waiting at the provider
            case RESERVED, SUBMITTED -> new CreationStatus("Queued", "muted", true, null, video, null);
            case RUNNING, UNKNOWN -> new CreationStatus("Processing", "muted", true, null, video, null);
            case SUCCEEDED -> new CreationStatus("Ready", "ok", false, asset, video, downloadName);
            case FAILED ->
                job.lateDelivery() && asset != null
                        ? new CreationStatus("Delivered late, free of charge", "ok", false, asset, video, downloadName)
                        : new CreationStatus("Failed", "error", false, null, video, null);
        };
    }
}
