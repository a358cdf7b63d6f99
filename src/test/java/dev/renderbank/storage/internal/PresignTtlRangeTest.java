package dev.renderbank.storage.internal;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * Presigned S3 links live at least a moment and at most 7 days (SigV4's limit): a zero or negative
 * lifetime hands out links that are already dead, and a longer one fails every presign, so every
 * download would fail instead of the start.
 */
class PresignTtlRangeTest {

    @Test
    void thePresignTtlIsPositiveAndAtMostSevenDays() {
        String key = "renderbank.storage.s3.presign-ttl";
        refused("renderbank.storage", StorageProperties.class, key, "0s");
        refused("renderbank.storage", StorageProperties.class, key, "-10m");
        refused("renderbank.storage", StorageProperties.class, key, "8d");
        accepted("renderbank.storage", StorageProperties.class, key, "7d");
    }
}
