package dev.renderbank.storage.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body that may not grow past {@code maxBytes} nor last past a deadline, whatever the
 * server declared. When it stops early it aborts the connection first: closing an HTTP body
 * normally reads the rest of it, which an endless body would never finish.
 */
final class LimitedBody extends FilterInputStream {

    /** The body went past the size limit: retrying will not help. */
    static final class TooLargeException extends IOException {
        TooLargeException(long maxBytes) {
            super("body larger than " + maxBytes + " bytes");
        }
    }

    private final long maxBytes;
    private final long deadlineNanos;
    private final Runnable abort;
    private long count;
    private boolean finished;

    LimitedBody(InputStream in, long maxBytes, long deadlineNanos, Runnable abort) {
        super(in);
        this.maxBytes = maxBytes;
        this.deadlineNanos = deadlineNanos;
        this.abort = abort;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (System.nanoTime() - deadlineNanos > 0) {
            abort.run();
            throw new IOException("download took longer than allowed");
        }
        // read one byte past the limit, so a body of exactly maxBytes passes and one more fails
        long allowed = maxBytes - count + 1;
        int n = super.read(b, off, (int) Math.min(len, allowed));
        if (n < 0) {
            finished = true;
            return n;
        }
        count += n;
        if (count > maxBytes) {
            abort.run();
            throw new TooLargeException(maxBytes);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping is not supported");
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            abort.run();
            try {
                super.close();
            } catch (IOException ignored) {
                // the connection is already gone
            }
            return;
        }
        super.close();
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
