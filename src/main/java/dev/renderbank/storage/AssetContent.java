package dev.renderbank.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** An open stored file; the caller closes {@code stream} (or this). */
public record AssetContent(InputStream stream, long size, String contentType) implements Closeable {

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
