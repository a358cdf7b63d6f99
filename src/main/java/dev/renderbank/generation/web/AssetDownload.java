package dev.renderbank.generation.web;

import dev.renderbank.platform.ResponseCut;
import dev.renderbank.storage.AssetContent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an open stored file to its owner, telling the store's failures from the client's. The
 * first part is read before the status is chosen ({@link #firstPart}), so a file that cannot be read
 * at all is still a 503; after that the 200 and its Content-Length are on their way, and a read that
 * fails, or a file that ends before its size, cuts the connection ({@link ResponseCut}): the client
 * sees a short download, never a complete-looking one. A client that leaves is no failure of ours.
 */
final class AssetDownload {

    /** Larger than the container's response buffer (8 KiB), so sending the first part commits. */
    static final int PART = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AssetDownload.class);

    private AssetDownload() {}

    /** The file's first bytes (all of a small file); an exception when they cannot be read. */
    static byte[] firstPart(AssetContent content) throws IOException {
        int wanted = (int) Math.min(content.size(), PART);
        byte[] first = content.stream().readNBytes(wanted);
        if (first.length < wanted) {
            throw new EOFException("the file ends after " + first.length + " of its " + content.size() + " bytes");
        }
        return first;
    }

    /** Sends {@code first} and the rest of the file, whose headers are set; returns when done or cut. */
    static void send(
            AssetContent content,
            byte[] first,
            String assetId,
            HttpServletRequest request,
            HttpServletResponse response) {
        long size = content.size();
        long sent = 0;
        byte[] buffer = new byte[PART];
        try {
            OutputStream out = response.getOutputStream();
            out.write(first);
            sent = first.length;
            while (sent < size) {
                int n;
                try {
                    n = content.stream().read(buffer, 0, (int) Math.min(buffer.length, size - sent));
                    if (n < 0) {
                        throw new EOFException("the file ends after " + sent + " of its " + size + " bytes");
                    }
                } catch (IOException readFailure) {
                    cut(assetId, sent, size, readFailure, request);
                    return;
                }
                out.write(buffer, 0, n);
                sent += n;
            }
        } catch (IOException clientGone) {
            log.debug(
                    "Download of asset {} ended by the client after {} of {} bytes: {}",
                    assetId,
                    sent,
                    size,
                    clientGone.toString());
        }
    }

    /** A file that fails to close changes nothing for an answer already given (or cut). */
    static void close(AssetContent content) {
        try {
            content.close();
        } catch (IOException e) {
            log.debug("Closing a stored file failed: {}", e.toString());
        }
    }

    private static void cut(String assetId, long sent, long size, IOException e, HttpServletRequest request) {
        log.warn(
                "Could not read the file of asset {} after {} of {} bytes were sent; the connection is cut so the"
                        + " download shows as incomplete: {}",
                assetId,
                sent,
                size,
                e.toString());
        ResponseCut.cut(request, "asset " + assetId + " unreadable after " + sent + " of " + size + " bytes");
    }
}
