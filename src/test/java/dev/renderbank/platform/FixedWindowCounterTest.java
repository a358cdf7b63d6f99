package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.platform.FixedWindowCounter.Counted;
import dev.renderbank.platform.FixedWindowCounter.Hit;
import dev.renderbank.platform.FixedWindowCounter.Refused;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.HeldLockRace;
import dev.renderbank.support.SettableClock;
import dev.renderbank.support.SharedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shared fixed-window counter on a real PostgreSQL: a key's window holds {@code max} hits, the
 * hit after them is refused with the window's end, the first hit at or after that end opens a new
 * window, and hits at once never pass the limit together.
 */
class FixedWindowCounterTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private static DriverManagerDataSource db;
    private static JdbcClient jdbc;
    private static FixedWindowCounter<String> byText;
    private static FixedWindowCounter<Long> byId;

    private final SettableClock clock = new SettableClock();

    @BeforeAll
    static void tables() {
        db = new DriverManagerDataSource(SharedPostgres.newDatabase(), "postgres", "postgres");
        jdbc = JdbcClient.create(db);
        jdbc.sql(
                        "create table text_hits (bucket text primary key, window_start timestamptz not null, hits int not null)")
                .update();
        jdbc.sql(
                        "create table id_hits (user_id bigint primary key, window_start timestamptz not null, calls int not null)")
                .update();
        byText = new FixedWindowCounter<>(jdbc, "text_hits", "bucket", "hits");
        byId = new FixedWindowCounter<>(jdbc, "id_hits", "user_id", "calls");
    }

    @Test
    void aWindowHoldsMaxHitsAndRefusesTheNextUntilItEnds() {
        clock.freeze();
        Instant start = clock.instant();
        for (int i = 1; i <= 3; i++) {
            assertThat(byText.hit("full", clock.instant(), HOUR, 3))
                    .as("hit " + i)
                    .isEqualTo(new Counted());
            clock.advance(Duration.ofMinutes(10));
        }
        assertThat(byText.hit("full", clock.instant(), HOUR, 3)).isEqualTo(new Refused(start.plus(HOUR)));
        assertThat(byText.count("full", clock.instant(), HOUR, 3)).isFalse();

        // the last microsecond of the window is still in it
        clock.advance(Duration.between(clock.instant(), start.plus(HOUR)).minus(1, ChronoUnit.MICROS));
        assertThat(byText.hit("full", clock.instant(), HOUR, 3)).isEqualTo(new Refused(start.plus(HOUR)));
        assertThat(rowCount("text_hits", "bucket", "full"))
                .as("refusals count nothing")
                .isEqualTo(3);
    }

    @Test
    void theFirstHitAtTheWindowsEndOpensTheNextWindow() {
        clock.freeze();
        Instant start = clock.instant();
        assertThat(byId.count(7L, start, HOUR, 2)).isTrue();
        assertThat(byId.count(7L, start.plusSeconds(60), HOUR, 2)).isTrue();
        assertThat(byId.count(7L, start.plusSeconds(120), HOUR, 2)).isFalse();

        clock.advance(HOUR.plusMinutes(25)); // well past the end: the next window begins now, not at start + 1 h
        Instant next = clock.instant();
        assertThat(byId.hit(7L, next, HOUR, 2)).isEqualTo(new Counted());
        assertThat(byId.hit(7L, next.plusSeconds(1), HOUR, 2)).isEqualTo(new Counted());
        assertThat(byId.hit(7L, next.plusSeconds(2), HOUR, 2)).isEqualTo(new Refused(next.plus(HOUR)));

        // exactly at the end: a new window
        assertThat(byId.hit(7L, next.plus(HOUR), HOUR, 2)).isEqualTo(new Counted());
        assertThat(rowCount("id_hits", "user_id", 7L)).isEqualTo(1);
    }

    @Test
    void keysAreCountedApart() {
        Instant now = clock.instant();
        assertThat(byText.count("apart:a", now, HOUR, 1)).isTrue();
        assertThat(byText.count("apart:a", now, HOUR, 1)).isFalse();
        assertThat(byText.count("apart:b", now, HOUR, 1)).isTrue();
        assertThat(byId.count(1001L, now, HOUR, 1)).isTrue();
        assertThat(byId.count(1002L, now, HOUR, 1)).isTrue();
    }

    /** A hit counted in a transaction that rolls back is not counted (a resend that queued nothing). */
    @Test
    void aRolledBackHitIsNotCounted() {
        Instant now = clock.instant();
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        tx.executeWithoutResult(s -> {
            assertThat(byId.count(55L, now, HOUR, 1)).isTrue();
            s.setRollbackOnly();
        });
        assertThat(byId.count(55L, now, HOUR, 1))
                .as("the window still has its one slot")
                .isTrue();
        assertThat(byId.count(55L, now, HOUR, 1)).isFalse();
    }

    /**
     * The last slot of a window, asked for by two hits at once, each order of arrival: both wait on
     * the key's row (held by the test until both are queued), and exactly one is counted.
     */
    @Test
    void twoHitsForTheLastSlotAtOnceCountExactlyOne() throws Exception {
        for (boolean aFirst : new boolean[] {true, false}) {
            String key = "last-slot:" + aFirst;
            Instant start = clock.instant();
            assertThat(byText.count(key, start, HOUR, 3)).isTrue();
            assertThat(byText.count(key, start, HOUR, 3)).isTrue();

            HeldLockRace.Results<Hit, Hit> r = HeldLockRace.onRow(
                            db, "select 1 from text_hits where bucket = ? for update", key)
                    .race(
                            () -> byText.hit(key, clock.instant(), HOUR, 3),
                            () -> byText.hit(key, clock.instant(), HOUR, 3),
                            aFirst);

            assertThat(List.of(r.a(), r.b()))
                    .as("a first: " + aFirst)
                    .containsExactlyInAnyOrder(
                            new Counted(), new Refused(stored(key).plus(HOUR)));
            assertThat(rowCount("text_hits", "bucket", key)).isEqualTo(3);
        }
    }

    /** A key's first window, its one slot asked for by two hits released together (a latch): one is counted. */
    @Test
    void twoFirstHitsAtOnceCountExactlyOne() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            long key = 5000L + round;
            Instant now = clock.instant();
            List<Boolean> counted =
                    Concurrently.run(() -> byId.count(key, now, HOUR, 1), () -> byId.count(key, now, HOUR, 1));
            if (counted.stream().filter(c -> c).count() != 1 || rowCount("id_hits", "user_id", key) != 1) {
                wrong.add("round " + round + ": " + counted);
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Table and column names are code: anything but a plain lower-case identifier is refused up front. */
    @Test
    void onlyPlainIdentifiersNameTheTable() {
        for (String bad : new String[] {
            "", "Text_hits", "text_hits; drop table id_hits", "public.text_hits", "\"text_hits\"", "1abc", "a b"
        }) {
            assertThatThrownBy(() -> new FixedWindowCounter<String>(jdbc, bad, "bucket", "hits"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new FixedWindowCounter<String>(jdbc, "text_hits", bad, "hits"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new FixedWindowCounter<String>(jdbc, "text_hits", "bucket", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new FixedWindowCounter<String>(jdbc, null, "bucket", "hits"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A window that holds no hit, or lasts no time, is a caller's mistake, not a limit. */
    @Test
    void aLimitBelowOneOrAWindowOfNoTimeIsRefused() {
        Instant now = clock.instant();
        assertThatThrownBy(() -> byText.count("bad", now, HOUR, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> byText.count("bad", now, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> byText.hit("bad", now, Duration.ofSeconds(-1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(rowCount("text_hits", "bucket", "bad")).isZero();
    }

    private static int rowCount(String table, String keyColumn, Object key) {
        String count = table.equals("text_hits") ? "hits" : "calls";
        return jdbc.sql("select coalesce(sum(" + count + "), 0) from " + table + " where " + keyColumn + " = :k")
                .param("k", key)
                .query(Integer.class)
                .single();
    }

    private static Instant stored(String key) {
        return jdbc.sql("select window_start from text_hits where bucket = :k")
                .param("k", key)
                .query((rs, n) -> SqlTime.instant(rs, "window_start"))
                .single();
    }
}
