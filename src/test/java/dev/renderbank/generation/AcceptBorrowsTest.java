package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.ConnectionBorrows;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.RequestStatements;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 15: an accept borrows as few pooled connections as its guarantees allow, because under load
 * each borrow may wait behind commits queued on the WAL flush. A generate POST borrows two: the token
 * lookup's and one transaction that decides everything else (the Idempotency-Key's claim or replay,
 * the provider's availability, the limits, the hold, the job and its task). With or without a key, a
 * first request or its replay: two. Counted by the pool itself on the request's thread ({@link
 * ConnectionBorrows}), by who borrowed. A key costs a keyed accept one statement more than an
 * unkeyed one, its claim (no lookup before it), counted from the driver's trace ({@link
 * RequestStatements}).
 */
class AcceptBorrowsTest extends IntegrationTest {

    private static final String PATH = "/api/v1/generate-image";
    private static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"borrowed\"}";

    /** The token's lookup, and the accepting transaction. */
    private static final List<String> TWO = List.of("TokenStore.findLive", "Acceptance.decide");

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    DataSource dataSource;

    Api api;
    ConnectionBorrows borrows;
    RequestStatements statements;

    @BeforeEach
    void watch() {
        api = new Api(port);
        borrows = ConnectionBorrows.watch(dataSource, "POST", PATH);
        statements = RequestStatements.watch("POST", PATH);
    }

    @AfterEach
    void stopWatching() {
        borrows.close();
        statements.close();
    }

    @Test
    void anAcceptWithoutKeyBorrowsTheTokensConnectionAndOneTransactions() {
        TestUser u = userWithFreshToken();

        Api.Response r = api.post(PATH, u.token(), IMAGE);

        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(borrowed()).as("connections borrowed by one accept").isEqualTo(TWO);
        System.out.printf("accept without key: %s%n", statements.take());
    }

    @Test
    void aKeyedAcceptAndItsReplayBorrowTwoEach() {
        TestUser u = userWithFreshToken();
        Map<String, String> key = Map.of("Idempotency-Key", "borrow-1");

        Api.Response unkeyed = api.post(PATH, userWithFreshToken().token(), IMAGE);
        borrows.take();
        RequestStatements.Counted withoutKey = statements.take();
        Api.Response first = api.post(PATH, u.token(), IMAGE, key);
        List<String> firstBorrows = borrowed();
        RequestStatements.Counted keyed = statements.take();
        Api.Response again = api.post(PATH, u.token(), IMAGE, key);
        List<String> replayBorrows = borrowed();
        RequestStatements.Counted replay = statements.take();
        System.out.printf("accept without key: %s, keyed: %s, replay: %s%n", withoutKey, keyed, replay);

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        assertThat(again.json().get("taskId").asString())
                .isEqualTo(first.json().get("taskId").asString());
        assertThat(firstBorrows)
                .as("connections borrowed by a keyed first request")
                .isEqualTo(TWO);
        assertThat(replayBorrows).as("connections borrowed by its replay").isEqualTo(TWO);
        assertThat(unkeyed.status()).as(unkeyed.body()).isEqualTo(202);
        assertThat(keyed.statements())
                .as("statements of a keyed accept: an unkeyed accept's and the key's claim")
                .isEqualTo(withoutKey.statements() + 1);
        assertThat(replay.statements())
                .as("statements of a replay: the token's lookup, the key's claim, the first's job with the key")
                .isEqualTo(3);
    }

    /**
     * A user whose token was just used (and its use recorded, at most once a minute), so that the
     * accept's token lookup is a read only.
     */
    private TestUser userWithFreshToken() {
        TestUser u = users.create(1_000);
        assertThat(api.get("/api/v1/credits", u.token()).status()).isEqualTo(200);
        borrows.take();
        return u;
    }

    /**
     * The borrows since the last call, without the operators' pause switches: each node reads those
     * at most once a second for all requests ({@code Switches}), not once per accept.
     */
    private List<String> borrowed() {
        return borrows.take().stream().filter(b -> !b.equals("Switches.load")).toList();
    }
}
