package dev.renderbank.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * A content type stored before types were checked whether a response can carry them is still sent:
 * without its unusable parameters, or as octet-stream, never an error instead of the owner's file.
 */
class StoredContentTypeTest {

    @Test
    void aStoredTypeAResponseCannotCarryIsSentWithoutItsParametersOrAsOctetStream() {
        assertThat(AssetController.mediaType("image/png")).isEqualTo(MediaType.IMAGE_PNG);
        assertThat(AssetController.mediaType("image/png; charset=no-such-charset"))
                .isEqualTo(MediaType.IMAGE_PNG);
        assertThat(AssetController.mediaType("image/png; q=\"")).isEqualTo(MediaType.IMAGE_PNG);
        assertThat(AssetController.mediaType("image/png ; a=b")).isEqualTo(MediaType.parseMediaType("image/png;a=b"));
        assertThat(AssetController.mediaType("no-slash; x=\"")).isEqualTo(MediaType.APPLICATION_OCTET_STREAM);
    }
}
