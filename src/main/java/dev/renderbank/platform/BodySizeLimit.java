package dev.renderbank.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies on every path, not only the API: webhooks, callbacks, the provider simulator
 * and the login form are public, and any of them could otherwise be made to buffer hundreds of
 * megabytes. A declared length over the cap is refused at once with 413; a chunked body is cut off
 * when it passes the cap, whether read as bytes or as characters. Jackson has the same bound on
 * documents ({@link JsonLimits}). The 413 is problem+json, except to a browser sending a page's form
 * ({@link ErrorPages#wantsPage}), which gets the error page saying the form was too large and the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // after SecurityHeaders: its 413 carries them
class BodySizeLimit extends OncePerRequestFilter {

    private final long max;

    BodySizeLimit(HttpProperties http) {
        this.max = http.maxBody().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > max) {
            if (ErrorPages.wantsPage(request)) {
                // a browser sending a page's form: the error page (rendered by the container's error
                // dispatch, which this filter does not see), not JSON a person cannot read
                ErrorPages.refuse(
                        request,
                        "The form or upload was too large: this site accepts at most " + readable(max)
                                + " in one request.");
                response.sendError(HttpStatus.CONTENT_TOO_LARGE.value());
                return;
            }
            Problems.write(
                    response,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "body-too-large",
                    "Request body too large",
                    "Request bodies are limited to " + max + " bytes");
            return;
        }
        chain.doFilter(new Limited(request, max), response);
    }

    /** The cap as a person reads it: "1 MB", "512 KB", else in bytes. */
    static String readable(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MB";
        }
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KB";
        }
        return bytes + " bytes";
    }

    private static final class Limited extends HttpServletRequestWrapper {

        private final long max;
        private ServletInputStream stream;
        private BufferedReader reader;

        Limited(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                String encoding = getCharacterEncoding();
                reader = new BufferedReader(new InputStreamReader(
                        getInputStream(), encoding != null ? Charset.forName(encoding) : StandardCharsets.UTF_8));
            }
            return reader;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws IOException {
                        read += n;
                        if (read > max) {
                            throw new IOException("request body exceeds " + max + " bytes");
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
