package dev.renderbank.storage.internal;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.OutputFetcher;
import dev.renderbank.storage.ReferenceHosts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Exactly one {@link AssetStore}, chosen by {@code renderbank.storage.type}, and the {@link
 * OutputFetcher} that fills it. Both close their clients on shutdown (inferred {@code close()}).
 */
@Configuration(proxyBeanMethods = false)
class StorageConfig {

    private static final Logger log = LoggerFactory.getLogger(StorageConfig.class);

    /**
     * The configured store, its writes watched ({@link StoreWriteFailures}) where the application runs
     * (alerts and metrics present; a context of this configuration alone gets the bare store).
     */
    @Bean
    AssetStore assetStore(
            StorageProperties storage,
            @Value("${renderbank.data-dir:./data}") Path dataDir,
            Environment env,
            ObjectProvider<OperatorAlerts> alerts,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<Clock> clock)
            throws IOException {
        Duration failingAlertAfter = Binder.get(env)
                .bind("renderbank.storage.failing-alert-after", Duration.class)
                .orElse(Duration.ofMinutes(5));
        if (failingAlertAfter.isNegative()) {
            throw new IllegalStateException("renderbank.storage.failing-alert-after must not be negative");
        }
        AssetStore store = configuredStore(storage, dataDir);
        OperatorAlerts operatorAlerts = alerts.getIfAvailable();
        MeterRegistry registry = meters.getIfAvailable();
        if (operatorAlerts == null || registry == null) {
            return store;
        }
        Counter failures = Counter.builder("renderbank.storage.write.failures")
                .description("Writes of a file the asset store refused or failed (a provider output not stored)")
                .register(registry);
        return new WatchedAssetStore(
                store,
                new StoreWriteFailures(
                        operatorAlerts, clock.getIfAvailable(Clock::systemUTC), failingAlertAfter, failures));
    }

    private static AssetStore configuredStore(StorageProperties storage, Path dataDir) throws IOException {
        return switch (storage.type()) {
            case LOCAL -> {
                Path dir = storage.local().dir() != null ? storage.local().dir() : dataDir.resolve("assets");
                LocalAssetStore local = new LocalAssetStore(dir);
                log.info("Assets are stored in {}", local.root());
                sweepAbandonedUploads(local);
                yield local;
            }
            case S3 -> {
                S3AssetStore s3 = S3AssetStore.create(storage.s3());
                log.info("Assets are stored in S3-compatible storage: {}", storage.s3());
                abortAbandonedUploads(s3);
                yield s3;
            }
        };
    }

    /** Copies a killed process left half-written: walked once per start, beside it (a big folder takes a while). */
    private static void sweepAbandonedUploads(LocalAssetStore local) {
        Thread sweep = new Thread(
                () -> {
                    try {
                        int deleted = local.sweepAbandonedUploads(ABANDONED_UPLOAD_AGE);
                        if (deleted > 0) {
                            log.info("{} upload(s) left half-written by a stopped process deleted", deleted);
                        }
                    } catch (IOException | RuntimeException e) {
                        log.warn("abandoned uploads could not be swept: {}", e.toString());
                    }
                },
                "asset-upload-sweep");
        sweep.setDaemon(true);
        sweep.start();
    }

    /**
     * The S3 counterpart: multipart uploads under jobs/ a killed node left open (its parts billed,
     * unseen), aborted once per start, beside it; bounded per start (S3AssetStore.MAX_ABORTS_PER_SWEEP).
     */
    private static void abortAbandonedUploads(S3AssetStore s3) {
        Thread sweep = new Thread(
                () -> {
                    try {
                        int aborted = s3.abortUploadsStartedBefore(
                                java.time.Instant.now().minus(ABANDONED_UPLOAD_AGE));
                        if (aborted > 0) {
                            log.info("{} multipart upload(s) left open by a stopped process aborted", aborted);
                        }
                    } catch (IOException | RuntimeException e) {
                        log.warn(
                                "abandoned multipart uploads could not be aborted ({}); the bucket's lifecycle"
                                        + " rule for incomplete uploads is the backstop",
                                e.toString());
                    }
                },
                "asset-upload-sweep");
        sweep.setDaemon(true);
        sweep.start();
    }

    /** Older than any copy under way (a download is cut after 10 minutes at most). */
    static final java.time.Duration ABANDONED_UPLOAD_AGE = java.time.Duration.ofHours(1);

    @Bean
    OutputFetcher outputFetcher(AssetStore store, DownloadProperties download, Environment env) {
        boolean allowPrivate = download.privateHostsAllowed(simulatorActive(env));
        if (allowPrivate) {
            log.warn(
                    "Provider outputs may be downloaded from private and loopback addresses ({})",
                    download.allowPrivateHosts() != null
                            ? "renderbank.download.allow-private-hosts=true"
                            : "the provider simulator is running");
        }
        return new SafeOutputFetcher(store, download, allowPrivate ? HostPolicy.anyAddress() : HostPolicy.publicOnly());
    }

    /**
     * Reference image URLs: public only; loopback too where outputs may come from private hosts
     * (simulator). Their lookups bounded in time and number ({@code renderbank.storage.reference-lookup.*}).
     */
    @Bean
    ReferenceHosts referenceHosts(DownloadProperties download, ReferenceLookupProperties lookups, Environment env) {
        ReferenceHosts hosts = download.privateHostsAllowed(simulatorActive(env))
                ? ReferenceHosts.publicOrLoopback()
                : ReferenceHosts.publicOnly();
        return hosts.bounded(lookups.timeout(), lookups.maxConcurrent());
    }

    /**
     * The provider's rule (no key: the simulator runs) on the key as Spring Boot's binder reads it,
     * like the provider module's own properties; storage depends on no module, so it binds the key
     * itself rather than asking the provider. A raw Environment read differed (an unresolvable
     * placeholder failed the start here while the provider took it as a key).
     */
    private static boolean simulatorActive(Environment env) {
        return !Binder.get(env)
                .bind("renderbank.provider.kie.api-key", String.class)
                .map(StringUtils::hasText)
                .orElse(false);
    }
}
