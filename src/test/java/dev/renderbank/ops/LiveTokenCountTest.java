package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Live tokens" as operators are told them (the answer of {@code tokens revoke <email>} without
 * {@code --all}, and the revocation's audit record) are the tokens that work now: neither revoked nor
 * expired, all of the user's, not just the newest 100 rows. An expired token was counted as live, and
 * a live token older than 100 revoked ones was not counted at all.
 */
class LiveTokenCountTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();

    @Autowired
    OpsCommands commands;

    @Autowired
    TestUsers testUsers;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Audit audit;

    private String run(int expectedCode, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = commands.execute(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isEqualTo(expectedCode);
        return out;
    }

    /** {@code count} tokens of the user, created a day ago, expired or revoked as given. */
    private void tokens(long userId, int count, boolean expired, boolean revoked) {
        Timestamp dayAgo = Timestamp.from(clock.instant().minus(Duration.ofDays(1)));
        Timestamp hourAgo = Timestamp.from(clock.instant().minus(Duration.ofHours(1)));
        jdbc.sql("""
                        insert into api_token (user_id, token_hash, name, created_at, expires_at, revoked_at)
                        select cast(:user as bigint),
                               decode(md5(random()::text || clock_timestamp()::text || g::text), 'hex'),
                               'extra ' || g, cast(:created as timestamptz), cast(:expires as timestamptz),
                               cast(:revoked as timestamptz)
                          from generate_series(1, cast(:count as int)) g""")
                .param("user", userId)
                .param("created", dayAgo)
                .param("expires", expired ? hourAgo : null)
                .param("revoked", revoked ? hourAgo : null)
                .param("count", count)
                .update();
    }

    @Test
    void anExpiredTokenIsNotLive() {
        var u = testUsers.create(0); // one live token
        tokens(u.id(), 1, false, false); // a second live one
        tokens(u.id(), 1, true, false); // expired an hour ago, never revoked

        assertThat(run(OpsCommands.USAGE, "tokens", "revoke", u.email())).contains(u.email() + " has 2 live token(s)");

        run(OpsCommands.OK, "tokens", "revoke", u.email(), "--all", "--actor", "tok-" + u.id());
        OperatorAction revoked = audit.list("tok-" + u.id(), "revoke-tokens", "user:" + u.id(), null, 5)
                .get(0);
        assertThat(JSON.readTree(revoked.before()).get("liveTokens").asLong()).isEqualTo(2);
        assertThat(JSON.readTree(revoked.after()).get("liveTokens").asLong()).isZero();
    }

    @Test
    void aLiveTokenBehindAHundredRevokedOnesIsCounted() {
        var u = testUsers.create(0); // one live token, the oldest
        tokens(u.id(), 100, false, true); // 100 newer ones, all revoked

        assertThat(run(OpsCommands.USAGE, "tokens", "revoke", u.email())).contains(u.email() + " has 1 live token(s)");
    }
}
