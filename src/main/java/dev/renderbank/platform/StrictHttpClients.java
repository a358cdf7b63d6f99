package dev.renderbank.platform;

import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.util.Timeout;
import org.springframework.util.function.SingletonSupplier;

/**
 * Apache HttpClient (classic, blocking) as renderbank's outbound calls want it: nothing retried by
 * the client (a POST sent twice may act twice), no redirects followed, no cookies, no cached
 * authentication, no content compression; waiting for a pooled connection is bounded by the
 * connect timeout and an answer by the read timeout.
 */
public final class StrictHttpClients {

    private StrictHttpClients() {}

    /**
     * The default TLS context (it reads the JDK's trust store) made on the first https connection,
     * not when the client is built: a start need not wait for it.
     */
    public static TlsSocketStrategy lazyTls() {
        SingletonSupplier<TlsSocketStrategy> tls = SingletonSupplier.of(DefaultClientTlsStrategy::createDefault);
        return (socket, target, port, attachment, context) ->
                tls.obtain().upgrade(socket, target, port, attachment, context);
    }

    /** A client over {@code connections} with the settings above. */
    public static CloseableHttpClient build(
            HttpClientConnectionManager connections, Timeout connect, Timeout read, String userAgent) {
        return builder(connections, connect, read, userAgent).build();
    }

    /** The settings above, for a client that adds its own (an interceptor of its calls). */
    public static HttpClientBuilder builder(
            HttpClientConnectionManager connections, Timeout connect, Timeout read, String userAgent) {
        return HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(read)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent(userAgent);
    }
}
