package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A moment as the user's pages and emails write it: in the user's zone, which is named on request. */
class UserTimesTest {

    static final Instant AT = Instant.parse("2026-11-30T20:00:05Z");

    @Test
    void aMomentIsWrittenInTheUsersZone() {
        UserTimes tokyo = UserTimes.in("Asia/Tokyo");
        assertThat(tokyo.minute(AT)).isEqualTo("2026-12-01 05:00");
        assertThat(tokyo.second(AT)).isEqualTo("2026-12-01 05:00:05");
        assertThat(tokyo.day(AT)).as("the user's calendar day").isEqualTo("December 1, 2026");
        assertThat(tokyo.dayAndMinuteInZone(AT)).isEqualTo("December 1, 2026, 05:00 Asia/Tokyo");
        assertThat(tokyo.minuteInZone(AT)).isEqualTo("2026-12-01 05:00 (Asia/Tokyo)");
        assertThat(tokyo.zoneName()).isEqualTo("Asia/Tokyo");

        assertThat(UserTimes.UTC.minute(AT)).isEqualTo("2026-11-30 20:00");
        assertThat(UserTimes.UTC.zoneName()).isEqualTo("UTC");
        // summer time is the zone's own: Berlin is UTC+2 in July, UTC+1 in November
        assertThat(UserTimes.in("Europe/Berlin").minute(Instant.parse("2026-07-01T10:00:00Z")))
                .isEqualTo("2026-07-01 12:00");
        assertThat(UserTimes.in("Europe/Berlin").minute(AT)).isEqualTo("2026-11-30 21:00");
    }

    @Test
    void noMomentIsWrittenAsNothingAndAnUnknownZoneAsUtc() {
        assertThat(UserTimes.in("Asia/Tokyo").minute(null)).isEmpty();
        assertThat(UserTimes.in("Asia/Tokyo").minuteInZone(null)).isEmpty();
        assertThat(UserTimes.in("Mars/Olympus").minute(AT)).isEqualTo("2026-11-30 20:00");
        assertThat(UserTimes.in((String) null).zoneName()).isEqualTo("UTC");
    }

    @Test
    void aLookedUpZoneIsReadOnceAndOnlyWhenATimeIsWritten() {
        AtomicInteger reads = new AtomicInteger();
        UserTimes times = UserTimes.lookedUpBy(() -> {
            reads.incrementAndGet();
            return "Asia/Tokyo";
        });
        assertThat(reads).hasValue(0);
        assertThat(times.minute(AT)).isEqualTo("2026-12-01 05:00");
        assertThat(times.zoneName()).isEqualTo("Asia/Tokyo");
        assertThat(reads).hasValue(1);
    }
}
