package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every sign-in from a browser without the device cookie stores a known browser for 180 days: an
 * account keeps only the {@link KnownBrowsers#MAX_PER_ACCOUNT} that signed in last, so a script
 * signing in again and again does not grow {@code login_device} without end, and the browser the
 * owner keeps using stays known.
 */
class KnownBrowsersCapTest extends IntegrationTest {

    @Autowired
    KnownBrowsers browsers;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anAccountKnowsOnlyTheBrowsersThatSignedInLast() {
        String account = "cap-" + UUID.randomUUID();
        String other = "cap-other-" + UUID.randomUUID();
        Instant now = clock.instant();
        String owners = browsers.signedIn(account, null, now).orElseThrow();
        String othersBrowser = browsers.signedIn(other, null, now).orElseThrow();
        List<String> scripted = new ArrayList<>();
        int n = KnownBrowsers.MAX_PER_ACCOUNT + 20;
        for (int i = 1; i <= n; i++) {
            Instant at = now.plus(Duration.ofMinutes(i));
            scripted.add(browsers.signedIn(account, null, at).orElseThrow());
            if (i % 10 == 0) {
                // the owner's browser signs in now and then: it stays among the latest
                assertThat(browsers.signedIn(account, owners, at.plusSeconds(1)))
                        .isEmpty();
            }
        }
        Instant end = now.plus(Duration.ofMinutes(n + 1));

        assertThat(rows(account)).isEqualTo(KnownBrowsers.MAX_PER_ACCOUNT);
        assertThat(browsers.known(account, owners, end, false))
                .as("the owner's browser, used lately")
                .isTrue();
        assertThat(browsers.known(account, scripted.get(n - 1), end, false)).isTrue();
        assertThat(browsers.known(account, scripted.get(0), end, false))
                .as("the browser unused longest is forgotten")
                .isFalse();
        assertThat(browsers.known(other, othersBrowser, end, false))
                .as("another account's browsers are not touched")
                .isTrue();
        assertThat(rows(other)).isEqualTo(1);
    }

    private long rows(String account) {
        return jdbc.sql("select count(*) from login_device where account = :a")
                .param("a", account)
                .query(Long.class)
                .single();
    }
}
