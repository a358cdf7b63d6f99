package dev.renderbank.generation.web;

import dev.renderbank.platform.ContentSources;
import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@link AssetController} redirects to a presigned URL when assets live in S3-compatible storage;
 * pages show those assets in {@code <img>} and {@code <video>}, so the CSP must allow that host.
 * Virtual-hosted buckets are a subdomain of the endpoint, hence the wildcard beside it.
 */
@Component
class AssetContentSources implements ContentSources {

    private final List<String> media;

    /** The two storage settings this needs, bound as storage binds them (relaxed names, enum case). */
    enum StorageType {
        LOCAL,
        S3
    }

    AssetContentSources(Environment env) {
        Binder binder = Binder.get(env);
        boolean s3 =
                binder.bind("renderbank.storage.type", StorageType.class).orElse(StorageType.LOCAL) == StorageType.S3;
        this.media = s3
                ? origins(
                        binder.bind("renderbank.storage.s3.endpoint", URI.class).orElse(null))
                : List.of();
    }

    static List<String> origins(URI endpoint) {
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
