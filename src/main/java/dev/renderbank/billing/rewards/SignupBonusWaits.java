package dev.renderbank.billing.rewards;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code billing_signup_bonus_wait}: the sign-up bonuses held while their account is suspended. */
@Repository
class SignupBonusWaits {

    private final JdbcClient jdbc;

    SignupBonusWaits(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void hold(long userId, Instant now) {
        jdbc.sql("insert into billing_signup_bonus_wait (user_id, since) values (:u, :now) on conflict do nothing")
                .param("u", userId)
                .param("now", ts(now))
                .update();
    }

    /** Takes the user's held bonus (true) if there is one; the caller pays it in the same transaction. */
    boolean take(long userId) {
        return jdbc.sql("delete from billing_signup_bonus_wait where user_id = :u")
                        .param("u", userId)
                        .update()
                == 1;
    }
}
