package dev.renderbank.storage.internal;

import dev.renderbank.platform.StrictHttpClients;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP client {@link SafeOutputFetcher} fetches with: it connects only to addresses the {@link
 * HostPolicy} returned for the host (checked at connect time, so a host that resolves differently
 * between the fetcher's check and the connection is judged again), through no proxy, and follows
 * no redirect itself (the fetcher checks each one); connect and read timeouts; a pool large enough
 * for every copy one node runs at once.
 */
final class FetchConnections {

    /**
     * Connections per host and in all: more than the copies one node runs at once (the scheduler's
     * threads and the callback checks), which mostly fetch from the provider's one file host. The
     * client's defaults (5 per host) made the sixth copy wait for a connection and then fail.
     */
    static final int MAX_CONNECTIONS = 256;

    private FetchConnections() {}

    static CloseableHttpClient client(DownloadProperties limits, HostPolicy policy) {
        Timeout connect = Timeout.ofMilliseconds(limits.connectTimeout().toMillis());
        Timeout read = Timeout.ofMilliseconds(limits.readTimeout().toMillis());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PolicyDnsResolver(policy))
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                // TLS context (reading the JDK's trust store) on the first https connection, not at start
                .setTlsSocketStrategy(StrictHttpClients.lazyTls())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .setTimeToLive(5, TimeUnit.MINUTES)
                        .build())
                .build();
        // no system proxy (the client reads no system properties): the policy must judge the address we
        // actually connect to; no redirects, retries, cookies, auth cache or compression
        return StrictHttpClients.build(connections, connect, read, "renderbank-fetcher/1");
    }

    /** The HTTP client connects only to addresses the policy returned, checked at connect time. */
    private record PolicyDnsResolver(HostPolicy policy) implements DnsResolver {

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return policy.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host; // never a reverse lookup
        }
    }
}
