package dev.renderbank.provider.internal;

import dev.renderbank.platform.StrictHttpClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.util.function.SingletonSupplier;

/**
 * The HTTP exchanges with KIE (or the simulator), on Apache HttpClient's classic, blocking client:
 * each call runs on its caller's thread from start to answer. The JDK's {@code HttpClient} did the
 * same exchange through its asynchronous machinery (a selector thread, futures handed between
 * threads) even for a blocking {@code send}, which cost about three times the CPU per call (issue 15,
 * "CPU per job": the provider client was most of the submit threads' samples).
 *
 * <p>Never retries anything by itself (a createTask sent twice could start two tasks), follows no
 * redirects, keeps no cookies ({@link StrictHttpClients}). A pooled connection idle for more than a second is checked before it
 * carries a request, so a POST is not written into a connection the provider already closed.
 *
 * <p>A call as a whole ends at the total timeout: the read timeout bounds each wait for a byte only,
 * and a provider or proxy dripping its answer a byte within every read timeout would otherwise hold
 * the calling thread (and, after a createTask, the job's outcome) for as long as it liked. A timer
 * cancels the request then, which closes its connection and ends a blocked read at once ({@link Cut}).
 */
final class KieHttpClient {

    /** An answer: the status and the body as text (empty when there was none). */
    record Response(int status, String body) {}

    /**
     * Nothing of the request was written: no connection, no address, no pooled connection in time, a
     * TLS handshake refused, or any other failure before the connection was up.
     */
    static final class NotConnected extends IOException {
        NotConnected(Exception cause) {
            super(cause.toString(), cause);
        }
    }

    /**
     * Cut at the total timeout: sent (or maybe sent), no whole answer. After a createTask the outcome
     * is unknown; never sent again.
     */
    static final class Cut extends IOException {
        Cut(Duration totalTimeout, Exception cause) {
            super("no whole answer within " + totalTimeout + " (total timeout)", cause);
        }
    }

    /**
     * The largest answer read: KIE's answers are a few hundred bytes (a record's result URLs a few
     * KB). A larger one is not read into memory; the call fails as a broken answer (after a createTask:
     * the outcome is unknown, never sent again).
     */
    static final int MAX_ANSWER_BYTES = 1 << 20;

    /** Enough connections for every thread that may call at once (the submit pool and the scheduler's). */
    private static final int MAX_CONNECTIONS = 256;

    /** Set on a call's context once its connection is up; unset, nothing of the request was written. */
    private static final String CONNECTED = "renderbank.kie.connected";

    private final SingletonSupplier<CloseableHttpClient> http;
    private final Duration totalTimeout;

    /**
     * Cancels calls at their total timeout. Its one thread ends after a minute without a call under
     * way (a client per test need not leave a thread behind); a call's cancelled cut-off leaves the
     * queue at once, so thousands of calls a minute do not pile them up.
     */
    private final ScheduledThreadPoolExecutor cutOffs;

    /** Built on the first call: a start need not wait for the pool or the TLS context. */
    KieHttpClient(Duration connectTimeout, Duration readTimeout, Duration totalTimeout) {
        this.totalTimeout = totalTimeout;
        this.cutOffs = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kie-call-cut-off");
            t.setDaemon(true);
            return t;
        });
        cutOffs.setKeepAliveTime(1, TimeUnit.MINUTES);
        cutOffs.allowCoreThreadTimeOut(true);
        cutOffs.setRemoveOnCancelPolicy(true);
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
        this.http = SingletonSupplier.of(() -> StrictHttpClients.builder(
                        PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(StrictHttpClients.lazyTls())
                                .setMaxConnTotal(MAX_CONNECTIONS)
                                .setMaxConnPerRoute(MAX_CONNECTIONS)
                                .setDefaultConnectionConfig(ConnectionConfig.custom()
                                        .setConnectTimeout(connect)
                                        .setSocketTimeout(read)
                                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                        .build())
                                .build(),
                        connect,
                        read,
                        "renderbank-kie/1")
                // runs once the connection (TLS included) is up, right before the request is written
                .addExecInterceptorAfter(
                        ChainElement.CONNECT.name(), "renderbank-connected", (request, scope, chain) -> {
                            scope.clientContext.setAttribute(CONNECTED, Boolean.TRUE);
                            return chain.proceed(request, scope);
                        })
                .build());
    }

    Response get(URI uri, String apiKey) throws IOException {
        return execute(new HttpGet(uri), apiKey);
    }

    Response postJson(URI uri, String apiKey, String json) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
        return execute(post, apiKey);
    }

    /**
     * @throws NotConnected nothing was sent
     * @throws Cut the total timeout passed before the whole answer was in
     * @throws java.net.SocketTimeoutException sent, and no answer within the read timeout
     * @throws IOException sent, and the connection failed before a whole answer came back
     */
    private Response execute(HttpUriRequestBase request, String apiKey) throws IOException {
        request.setHeader("Authorization", "Bearer " + apiKey);
        request.setHeader("Accept", "application/json");
        // cancelling closes the connection, which ends a blocked read at once
        ScheduledFuture<?> cutOff = cutOffs.schedule(request::cancel, totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        AtomicReference<Response> whole = new AtomicReference<>();
        HttpClientContext context = HttpClientContext.create();
        try {
            return http.obtain().execute(request, context, response -> {
                whole.set(new Response(response.getCode(), body(response.getEntity())));
                // the whole answer is in: releasing the connection is not the answer's time
                cutOff.cancel(false);
                return whole.get();
            });
        } catch (ConnectTimeoutException
                | ConnectException
                | UnknownHostException
                | ConnectionRequestTimeoutException e) {
            throw new NotConnected(e);
        } catch (IOException | RuntimeException e) {
            if (whole.get() != null) {
                // cut just after the whole answer was read (while the connection was released): it stands
                return whole.get();
            }
            if (context.getAttribute(CONNECTED) == null) {
                // failed before the connection was up: a TLS handshake refused (an expired or unknown
                // certificate), no route to the host, the network unreachable, the pool's wait cut. Not
                // a byte of the request was written, so it may be sent again (these were read as "maybe
                // sent": the job waited for its deadline and the user's slot with it)
                throw new NotConnected(e);
            }
            // connected: a cut at the total timeout may have come after the request was written
            if (request.isCancelled()) {
                throw new Cut(totalTimeout, e);
            }
            throw e;
        } finally {
            cutOff.cancel(false);
        }
    }

    /**
     * The answer's body as UTF-8 text, read into an array of its declared length (HttpCore's {@code
     * EntityUtils.toString} decodes through a reader with an 8 KB buffer: most of a submit's garbage
     * for a 100-byte answer), at most {@link #MAX_ANSWER_BYTES}.
     */
    static String body(HttpEntity entity) throws IOException {
        if (entity == null) {
            return "";
        }
        long declared = entity.getContentLength();
        if (declared > MAX_ANSWER_BYTES) {
            throw new IOException("answer of " + declared + " bytes, more than " + MAX_ANSWER_BYTES);
        }
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return "";
            }
            if (declared >= 0) {
                byte[] bytes = in.readNBytes((int) declared);
                if (bytes.length < declared) {
                    throw new IOException("answer ended after " + bytes.length + " of " + declared + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            byte[] chunk = new byte[1024];
            for (int n; (n = in.read(chunk)) >= 0; ) {
                if (out.size() + n > MAX_ANSWER_BYTES) {
                    throw new IOException("answer larger than " + MAX_ANSWER_BYTES + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
