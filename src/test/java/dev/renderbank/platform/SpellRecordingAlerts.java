package dev.renderbank.platform;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Operator alerts kept in memory, for a unit test of who raises and ends a spell: a spell is open
 * from a raise to an end, as the alert store keeps it (its once key). {@link #holdRaises} makes each
 * raise wait, after it was asked for and before it is stored, until {@link #releaseRaises}.
 */
public final class SpellRecordingAlerts extends OperatorAlerts {

    public final List<String> events = new CopyOnWriteArrayList<>();
    /** How many raises were asked for, stored or not. */
    public final AtomicInteger raisesAsked = new AtomicInteger();

    private volatile boolean open;
    private volatile CountDownLatch raising = new CountDownLatch(0);
    private final CountDownLatch raiseAsked = new CountDownLatch(1);

    public SpellRecordingAlerts() {
        super(null, Clock.systemUTC());
    }

    public void holdRaises() {
        raising = new CountDownLatch(1);
    }

    public void releaseRaises() {
        raising.countDown();
    }

    public boolean awaitRaiseAsked() throws InterruptedException {
        return raiseAsked.await(10, TimeUnit.SECONDS);
    }

    public boolean spellOpen() {
        return open;
    }

    @Override
    public boolean raiseSpell(AlertKind kind, String message) {
        raiseAsked.countDown();
        raisesAsked.incrementAndGet();
        try {
            if (!raising.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raise held for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (this) {
            if (open) {
                return false;
            }
            open = true;
            events.add("raised " + kind.code());
            return true;
        }
    }

    @Override
    public synchronized boolean endSpell(AlertKind kind, AlertKind ended, String raw) {
        if (!open) {
            events.add("end found nothing");
            return false;
        }
        open = false;
        events.add("ended " + kind.code());
        return true;
    }
}
