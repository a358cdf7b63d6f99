package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Daily rewards count the calendar days of the time zone the user set ({@code PATCH /api/v1/me}), and
 * the rewards API says which day and zone that is. The zone could not be set before: every user's
 * days were UTC's.
 */
class RewardsTimeZoneTest extends BillingIntegrationTest {

    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Los Angeles, 16:30 each afternoon: Saturday 6 November 2027 (PDT, UTC-7) is 23:30 UTC that day;
     * Sunday 7 November (PST, UTC-8: the clocks went back at 2:00) is 00:30 UTC on Monday 8 November.
     * Two days in a row where the user lives, two UTC days apart.
     */
    @Test
    void aLosAngelesUserCheckingInAtHalfPastFourEveryAfternoonKeepsTheStreakOverTheNovemberClockChange()
            throws Exception {
        UserAccount angeleno = newUser();
        String token = token(angeleno);
        HttpResponse<String> set = api("PATCH", "/api/v1/me", token, "{\"timeZone\":\"America/Los_Angeles\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json.readTree(set.body()).path("timeZone").asString()).isEqualTo("America/Los_Angeles");
        UserAccount utc = newUser(); // the same moments for a user who kept UTC, for contrast
        String utcToken = token(utc);

        at("2027-11-06T23:30:00Z");
        assertThat(checkIn(token).path("streak").asInt()).isEqualTo(1);
        assertThat(checkIn(utcToken).path("streak").asInt()).isEqualTo(1);
        JsonNode saturday = summary(token);
        assertThat(saturday.path("today").asString()).isEqualTo("2027-11-06");
        assertThat(saturday.path("timeZone").asString()).isEqualTo("America/Los_Angeles");

        at("2027-11-08T00:30:00Z");
        JsonNode sunday = checkIn(token);
        assertThat(sunday.path("granted").asBoolean()).as(sunday.toString()).isTrue();
        assertThat(sunday.path("streak").asInt())
                .as("Saturday and Sunday in Los Angeles")
                .isEqualTo(2);
        assertThat(checkIn(utcToken).path("streak").asInt())
                .as("in UTC a day (7 November) was missed")
                .isEqualTo(1);

        JsonNode after = summary(token);
        assertThat(after.path("streak").asInt()).isEqualTo(2);
        assertThat(after.path("checkedInToday").asBoolean()).isTrue();
        assertThat(after.path("today").asString()).isEqualTo("2027-11-07");
        assertThat(summary(utcToken).path("timeZone").asString()).isEqualTo("UTC");
        assertThat(summary(utcToken).path("today").asString()).isEqualTo("2027-11-08");
        assertThat(available(angeleno)).isEqualTo(4);
    }

    /**
     * What the rewards API says agrees with what a check-in would do, also after a change of zone: a
     * user who checked in on 7 November in UTC and then moved to Los Angeles (where it is still the
     * 6th) cannot check in now (never a day before the latest one), so "checked in today" is true,
     * not an offer the check-in then refuses.
     */
    @Test
    void checkedInTodayAgreesWithTheCheckInAfterTheZoneMovesWest() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        at("2027-11-07T04:00:00Z");
        assertThat(checkIn(token).path("granted").asBoolean()).isTrue();
        assertThat(api("PATCH", "/api/v1/me", token, "{\"timeZone\":\"America/Los_Angeles\"}")
                        .statusCode())
                .isEqualTo(200);

        JsonNode status = summary(token);
        assertThat(status.path("today").asString()).isEqualTo("2027-11-06");
        boolean wouldGrant = checkIn(token).path("granted").asBoolean();
        assertThat(wouldGrant).isFalse();
        assertThat(status.path("checkedInToday").asBoolean())
                .as("checked in today = a check-in now is not due")
                .isEqualTo(!wouldGrant);
    }

    /** Stops the test's clock at {@code instant}. */
    private void at(String instant) {
        clock.freeze();
        clock.advance(Duration.between(clock.instant(), Instant.parse(instant)));
    }

    private JsonNode checkIn(String token) throws Exception {
        HttpResponse<String> r = api("POST", "/api/v1/rewards/check-in", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private JsonNode summary(String token) throws Exception {
        HttpResponse<String> r = api("GET", "/api/v1/rewards", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
