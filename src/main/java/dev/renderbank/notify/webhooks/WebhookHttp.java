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
 * answer only the status and a short excerpt of the body are kept, the rest is not read.
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

    public WebhookHttp(WebhookUrlPolicy policy, Duration connectTimeout, Duration readTimeout) {
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PolicyDnsResolver(policy))
                .setTlsSocketStrategy(StrictHttpClients.lazyTls())
                .setMaxConnTotal(50)
                .setMaxConnPerRoute(4)
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
     *     somewhere in the causes), connection failure or timeout
     */
    public Answer post(String url, Map<String, String> headers, String body) throws IOException {
        HttpPost post = new HttpPost(URI.create(url));
        headers.forEach(post::setHeader);
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        ClassicHttpResponse response = http.executeOpen(null, post, null);
        try {
            return new Answer(response.getCode(), excerpt(response.getEntity()));
        } finally {
            // closing an unread body would read all of it first, however long it is: abort instead
            post.cancel();
            try {
                response.close();
            } catch (IOException ignored) {
                // an aborted connection may complain on close; nothing is left to release
            }
        }
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
        http.close();
    }

    /** Every connection's addresses come from the policy, including for pooled reconnects. */
    private record PolicyDnsResolver(WebhookUrlPolicy policy) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return policy.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }
}
