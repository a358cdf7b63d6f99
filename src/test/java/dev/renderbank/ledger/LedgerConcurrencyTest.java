package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads hammer a few hot accounts with mixed reserve / capture / release / grant, some
 * holds settled by whichever thread gets them first (or by two threads at once). The books must
 * balance at every moment, and every hold that was reserved must be settled exactly once.
 */
class LedgerConcurrencyTest extends LedgerTestSupport {

    private static final int THREADS = 32;
    private static final int OPS_PER_THREAD = 1_000;
    private static final int HOT_ACCOUNTS = 4;
    private static final long INITIAL = 2_000;
    private static final int AUDIT_EVERY = 100;

    private final String run = key("conc") + "-";
    private final long[] users = new long[HOT_ACCOUNTS];
    private final Map<Long, AtomicLong> granted = new ConcurrentHashMap<>();
    private final Map<Long, AtomicLong> captured = new ConcurrentHashMap<>();
    /** Every key whose reserve reported success (not a repeat), with its user and amount. */
    private final Map<String, long[]> reserved = new ConcurrentHashMap<>();

    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Non-repeated settlements per key, by kind: must end up exactly one per reserved key. */
    private final Map<String, Queue<String>> settlements = new ConcurrentHashMap<>();
    /** Holds any thread may settle; some are offered twice so two threads fight over them. */
    private final Queue<String> shared = new ConcurrentLinkedQueue<>();

    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    /** Invariant checks taken while the others are busy: each query sees one consistent snapshot. */
    private final Queue<InvariantReport> midRunAudits = new ConcurrentLinkedQueue<>();

    @Test
    void mixedOperationsOnHotAccountsKeepTheBooksExact() throws Exception {
        for (int i = 0; i < HOT_ACCOUNTS; i++) {
            users[i] = newUser();
            ledger.grant(users[i], INITIAL, GrantSource.PURCHASE, run + "seed-" + i, null, null);
            granted.put(users[i], new AtomicLong(INITIAL));
            captured.put(users[i], new AtomicLong());
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> work(thread)));
        }
        for (Future<?> w : workers) {
            w.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        String leftover;
        while ((leftover = shared.poll()) != null) {
            settle(leftover, false);
        }

        assertThat(failures).isEmpty();
        assertThat(midRunAudits).hasSizeGreaterThanOrEqualTo(OPS_PER_THREAD / AUDIT_EVERY);
        assertThat(midRunAudits)
                .allSatisfy(report -> assertThat(report.violations()).isEmpty());
        assertThat(ledger.checkInvariants().violations()).isEmpty();
        assertThat(reserved).hasSizeGreaterThan(THREADS * OPS_PER_THREAD / 10);
        assertThat(refused).isNotEmpty(); // the accounts ran dry at times: refusals were exercised
        everyReservedHoldWasSettledExactlyOnce();
        refusedKeysLeftNoTrace();
        for (long user : users) {
            Balance b = ledger.balance(user);
            assertThat(b.held()).isZero();
            assertThat(b.balance())
                    .isEqualTo(granted.get(user).get() - captured.get(user).get());
        }
    }

    private void work(int thread) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Deque<String> mine = new ArrayDeque<>();
        try {
            for (int op = 0; op < OPS_PER_THREAD; op++) {
                if (thread == 0 && op % AUDIT_EVERY == 0) {
                    midRunAudits.add(ledger.checkInvariants());
                }
                int dice = random.nextInt(100);
                if (dice < 45) {
                    reserve(thread, op, random, mine);
                } else if (dice < 90) {
                    String key = random.nextBoolean() ? mine.pollFirst() : shared.poll();
                    if (key != null) {
                        settle(key, dice < 70);
                    }
                } else {
                    long user = users[random.nextInt(HOT_ACCOUNTS)];
                    long amount = 1 + random.nextInt(40);
                    String key = run + "grant-" + thread + "-" + op;
                    ledger.grant(user, amount, GrantSource.REWARD, key, null, null);
                    granted.get(user).addAndGet(amount);
                    if (random.nextInt(10) == 0) {
                        assertThat(ledger.grant(user, amount, GrantSource.REWARD, key, null, null))
                                .isInstanceOf(GrantResult.AlreadyGranted.class);
                    }
                }
            }
            for (String key : mine) {
                settle(key, false);
            }
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    private void reserve(int thread, int op, ThreadLocalRandom random, Deque<String> mine) {
        long user = users[random.nextInt(HOT_ACCOUNTS)];
        long amount = 1 + random.nextInt(20);
        String key = run + "hold-" + thread + "-" + op;
        ReserveResult result = ledger.reserve(user, amount, key, TTL);
        if (result instanceof ReserveResult.Reserved r) {
            assertThat(r.repeated()).isFalse();
            reserved.put(key, new long[] {user, amount});
            settlements.put(key, new ConcurrentLinkedQueue<>());
            if (random.nextInt(10) == 0) {
                assertThat(ledger.reserve(user, amount, key, TTL))
                        .isInstanceOfSatisfying(
                                ReserveResult.Reserved.class,
                                again -> assertThat(again.repeated()).isTrue());
            }
            int where = random.nextInt(10);
            if (where < 6) {
                mine.addLast(key);
            } else {
                shared.add(key);
                if (where == 9) {
                    shared.add(key); // two threads will race to settle this one
                }
            }
        } else {
            ReserveResult.InsufficientCredits no = (ReserveResult.InsufficientCredits) result;
            assertThat(no.needed()).isEqualTo(amount);
            // read after the refusal, so concurrent releases may already have raised it
            assertThat(no.available()).isNotNegative();
            refused.add(key);
        }
    }

    private void settle(String key, boolean capture) {
        Object result = capture ? ledger.capture(key) : ledger.release(key, "job failed");
        if (result instanceof CaptureResult.Captured c) {
            settlements.get(key).add("CAPTURE");
            captured.get(c.hold().userId()).addAndGet(c.hold().amount());
        } else if (result instanceof ReleaseResult.Released) {
            settlements.get(key).add("RELEASE");
        } else {
            assertThat(result).isNotInstanceOfAny(CaptureResult.NotFound.class, ReleaseResult.NotFound.class);
        }
    }

    private void everyReservedHoldWasSettledExactlyOnce() {
        Map<String, String> state = new HashMap<>();
        jdbc.sql("select hold_key, state from credit_hold where hold_key like :prefix")
                .param("prefix", run + "hold-%")
                .query((rs, n) -> state.put(rs.getString("hold_key"), rs.getString("state")))
                .list();
        Map<String, List<String>> entryKinds = new HashMap<>();
        jdbc.sql("select ref_key, kind from ledger_entry where ref_key like :prefix order by id")
                .param("prefix", run + "hold-%")
                .query((rs, n) -> entryKinds
                        .computeIfAbsent(rs.getString("ref_key"), k -> new ArrayList<>())
                        .add(rs.getString("kind")))
                .list();

        assertThat(state.keySet()).isEqualTo(reserved.keySet());
        assertThat(entryKinds.keySet()).isEqualTo(reserved.keySet());
        reserved.forEach((key, userAndAmount) -> {
            List<String> settledAs = List.copyOf(settlements.get(key));
            assertThat(settledAs).as("settlements of %s", key).hasSize(1);
            assertThat(entryKinds.get(key)).as("entries of %s", key).containsExactly("HOLD", settledAs.get(0));
            assertThat(state.get(key)).isEqualTo(settledAs.get(0).equals("CAPTURE") ? "CAPTURED" : "RELEASED");
        });
    }

    private void refusedKeysLeftNoTrace() {
        long traces = jdbc.sql("""
                        select (select count(*) from credit_hold where hold_key = any(:keys))
                             + (select count(*) from ledger_entry where ref_key = any(:keys))""")
                .param("keys", refused.toArray(String[]::new))
                .query(Long.class)
                .single();
        assertThat(traces).isZero();
    }
}
