package dev.renderbank.identity;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Counters other test classes must not inherit: they share the context, the database and 127.0.0.1. */
final class AccountsTestCleanup {

    private AccountsTestCleanup() {}

    static void clear(JdbcClient jdbc) {
        jdbc.sql("delete from login_throttle_client").update();
        jdbc.sql("delete from login_throttle_account").update();
        jdbc.sql("delete from request_limit").update();
    }
}
