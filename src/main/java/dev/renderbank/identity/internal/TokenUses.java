package dev.renderbank.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * API tokens' last uses, written behind the calls (issue 15): a bearer call that finds its token's
 * stored use older than {@link TokenStore#USE_RESOLUTION} records the use here, in memory, and a
 * writer thread stores every use recorded since its last pass in one statement and one commit, every
 * {@link #INTERVAL}. A call used to pay a durable commit of its own for it, once a minute per token:
 * with many clients, a commit on a good share of the requests, and all at once after a quiet minute.
 *
 * <p>Nothing depends on the stored time but the token list, which reads this node's unwritten uses
 * too ({@link #pending}); a use recorded in the second before a crash is lost, which only leaves "last
 * used" up to a minute older. The write only moves a token's time forward, so nodes and passes never
 * step back each other's. On shutdown the last pass runs before the database goes.
 */
@Component
public class TokenUses implements DisposableBean {

    /** How often the writer stores the uses recorded since its last pass. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(TokenUses.class);

    private final TokenStore store;
    private final Map<Long, Instant> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "token-uses");
        t.setDaemon(true);
        return t;
    });

    TokenUses(TokenStore store) {
        this.store = store;
        long ms = INTERVAL.toMillis();
        writer.scheduleWithFixedDelay(this::writeQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Records a use of the token at {@code at} (the later one wins when it is already recorded), to
     * the millisecond as {@link TokenStore#touchAll} stores it: a listed use reads the same before
     * and after it is written.
     */
    public void record(long tokenId, Instant at) {
        pending.merge(tokenId, at.truncatedTo(ChronoUnit.MILLIS), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** The use recorded on this node and not yet stored, if any. */
    public Optional<Instant> pending(long tokenId) {
        return Optional.ofNullable(pending.get(tokenId));
    }

    /**
     * Stores every use recorded so far (one statement); returns how many tokens' times moved. A use
     * stays pending (and listed) until its statement has committed: taken out before, it was listed
     * as never used while the statement waited for a token row another transaction held. A later use
     * recorded meanwhile stays pending for the next pass.
     */
    public int write() {
        if (pending.isEmpty()) {
            return 0;
        }
        List<Long> ids = new ArrayList<>();
        List<Instant> ats = new ArrayList<>();
        for (Map.Entry<Long, Instant> e : List.copyOf(pending.entrySet())) {
            ids.add(e.getKey());
            ats.add(e.getValue());
        }
        if (ids.isEmpty()) {
            return 0;
        }
        // the database away: the uses stay pending for the next pass
        int moved = store.touchAll(ids, ats);
        for (int i = 0; i < ids.size(); i++) {
            pending.remove(ids.get(i), ats.get(i));
        }
        return moved;
    }

    private void writeQuietly() {
        try {
            write();
        } catch (RuntimeException e) {
            log.warn("API token uses not stored yet ({}); retrying in {}", e.toString(), INTERVAL);
        }
    }

    @Override
    public void destroy() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
            write();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("API token uses not stored at shutdown: {}", e.toString());
        }
    }
}
