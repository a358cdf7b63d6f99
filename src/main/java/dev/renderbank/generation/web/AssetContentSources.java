package dev.renderbank.generation.web;

import dev.renderbank.platform.ContentSources;
import dev.renderbank.storage.StorageProperties;
import java.net.URI;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@link AssetController} redirects to a presigned URL when assets live in S3-compatible storage;
 * pages show those assets in {@code <img>} and {@code <video>}, so the CSP must allow that host.
 * Virtual-hosted buckets are a subdomain of the endpoint, hence the wildcard beside it.
 */
@Component
class AssetContentSources implements ContentSources {

    private final List<String> media;

    AssetContentSources(StorageProperties storage) {
        this.media = storage.type() == StorageProperties.Type.S3 ? origins(storage.s3()) : List.of();
    }

    static List<String> origins(StorageProperties.S3 s3) {
        URI endpoint = s3.endpoint();
        if (endpoint == null || endpoint.getHost() == null) {
            return List.of("https://*.amazonaws.com");
        }
        String scheme = endpoint.getScheme() == null ? "https" : endpoint.getScheme();
        String port = endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort();
        return List.of(scheme + "://" + endpoint.getHost() + port, scheme + "://*." + endpoint.getHost() + port);
    }

    @Override
    public List<String> media() {
        return media;
    }
}
