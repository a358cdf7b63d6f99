package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Behind a trusted proxy that adds its own X-Forwarded-For line (rather than appending to the
 * client's), the client's forged line comes first: the client counted is the one the proxy saw, read
 * from all the lines in order, never the first line alone.
 */
@TestPropertySource(properties = "renderbank.trusted-proxies=127.0.0.1")
class ForwardedForLinesTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void forgetFailures() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void aForgedFirstLineDoesNotNameTheClient() throws Exception {
        AccountsTestCleanup.clear(jdbc);
        for (int i = 1; i <= 3; i++) {
            var answer = new FormClient(port)
                    .postWithHeaderLines(
                            "/login",
                            "/login",
                            "X-Forwarded-For",
                            // the client's own line, then the line the proxy (127.0.0.1 here) added
                            List.of("203.0.113." + i, "198.51.100.9"),
                            "username",
                            "nobody-" + i + "@test.local",
                            "password",
                            "wrong password " + i);
            assertThat(FormClient.location(answer)).endsWith("/login?error");
        }
        assertThat(jdbc.sql("select client || ' ' || failures from login_throttle_client")
                        .query(String.class)
                        .list())
                .containsExactly("198.51.100.9 3");
    }
}
