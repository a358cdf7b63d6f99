package dev.renderbank.storage;

import java.io.InputStream;

/** An open stored file; the caller closes {@code stream}. */
public record AssetContent(InputStream stream, long size, String contentType) {}
