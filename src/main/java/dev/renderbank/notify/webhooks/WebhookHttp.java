package dev.renderbank.notify.webhooks;

import dev.renderbank.platform.StrictHttpClients;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs one webhook: host names are resolved only through the {@link WebhookUrlPolicy}, and the
 * connection goes to the addresses it approved (no system proxy, which would connect elsewhere);
 * redirects are never followed (a 3xx is a failed attempt); short connect and read timeouts; of the
 * answer only the status and a short excerpt of the body are kept, the rest is not read. The attempt
 * as a whole ends after connect timeout + read timeout: the read timeout bounds each wait for a byte
 * only, and a receiver sending one byte at a time would otherwise hold the sender (and every other
 * endpoint's deliveries queued behind it) for as long as it liked.
 */
public final class WebhookHttp implements AutoCloseable {

    public static final int EXCERPT_BYTES = 256;

    /** What the receiver answered. */
    public record Answer(int status, String excerpt) {
        public boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private final CloseableHttpClient http;
    private final Duration deadline;
    /**
     * Each attempt's cut-off. A cancelled cut-off (the answer came in time, nearly always) leaves the
     * queue at once: otherwise each would keep its request, body included, until its deadline passed.
     */
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "webhook-attempt-deadline");
        t.setDaemon(true);
        return t;
    });

    public WebhookHttp(WebhookUrlPolicy policy, Duration connectTimeout, Duration readTimeout) {
        this(policy, connectTimeout, readTimeout, 4);
    }

    /** {@code senders}: how many POSTs may be under way at once (each its own connection). */
    public WebhookHttp(WebhookUrlPolicy policy, Duration connectTimeout, Duration readTimeout, int senders) {
        this.deadline = connectTimeout.plus(readTimeout);
        timer.setRemoveOnCancelPolicy(true);
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PolicyDnsResolver(policy))
                .setTlsSocketStrategy(StrictHttpClients.lazyTls())
                .setMaxConnTotal(Math.max(50, senders))
                .setMaxConnPerRoute(Math.max(4, senders))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .setTimeToLive(1, TimeUnit.MINUTES)
                        .build())
                .build();
        this.http = StrictHttpClients.build(connections, connect, read, "renderbank-webhooks/1");
    }

    /**
     * @throws IOException no answer: refused address ({@link WebhookUrlPolicy.RefusedAddressException}
     *     somewhere in the causes), connection failure, timeout, or the attempt's deadline passed
     *     before the status and headers were in (an excerpt cut short by it is just shorter)
     */
    public Answer post(String url, Map<String, String> headers, String body) throws IOException {
        HttpPost post = new HttpPost(URI.create(url));
        headers.forEach(post::setHeader);
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        // cancelling closes the connection, which ends a blocked read at once
        ScheduledFuture<?> cutOff = timer.schedule(post::cancel, deadline.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response;
        try {
            response = http.executeOpen(null, post, null);
        } catch (IOException | RuntimeException e) {
            cutOff.cancel(false);
            if (post.isCancelled()) {
                throw new IOException("no answer within " + deadline.toSeconds() + " s (connect + read timeout)", e);
            }
            throw e;
        }
        try {
            return new Answer(response.getCode(), excerpt(response.getEntity()));
        } finally {
            cutOff.cancel(false);
            // closing an unread body would read all of it first, however long it is: abort instead
            post.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // an aborted connection may complain on close; nothing is left to release
            }
        }
    }

    /** Cut-offs waiting for their deadline: one per attempt under way. */
    int pendingCutOffs() {
        return timer.getQueue().size();
    }

    private static String excerpt(HttpEntity entity) {
        if (entity == null) {
            return null;
        }
        try {
            InputStream in = entity.getContent();
            byte[] bytes = in.readNBytes(EXCERPT_BYTES);
            return bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        http.close();
    }

    /** Every connection's addresses come from the policy, including for pooled reconnects. */
    private record PolicyDnsResolver(WebhookUrlPolicy policy) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return policy.resolveForDelivery(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }
}
