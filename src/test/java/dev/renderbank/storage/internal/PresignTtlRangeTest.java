package dev.renderbank.storage.internal;

import dev.renderbank.support.PropertyRanges;
import org.junit.jupiter.api.Test;

/**
 * Presigned S3 links live at least a moment and at most 7 days (SigV4's limit): a zero or negative
 * lifetime hands out links that are already dead, and a longer one fails every presign, so every
 * download would fail instead of the start.
 */
class PresignTtlRangeTest {

    @Test
    void thePresignTtlIsPositiveAndAtMostSevenDays() {
        var storage = PropertyRanges.of(StorageProperties.class);
        storage.refused("renderbank.storage.s3.presign-ttl", "0s", "-10m", "8d");
        storage.accepted("renderbank.storage.s3.presign-ttl", "7d");
    }
}
