package dev.renderbank.platform;

import java.util.List;

/**
 * Extra origins a module needs in the Content-Security-Policy, e.g. storage's S3 host, to which
 * {@code /api/v1/assets/{id}} redirects images and videos (a CSP checks redirect targets too).
 * Beans of this type are collected by {@link SecurityHeaders}; platform itself knows no module.
 */
public interface ContentSources {

    /** Origins allowed for images and media ({@code img-src}, {@code media-src}). */
    default List<String> media() {
        return List.of();
    }

    /** Origins forms may post to, or be redirected to after posting ({@code form-action}). */
    default List<String> formActions() {
        return List.of();
    }
}
