package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The development key of the address hash ({@code data/address-hash.key}, used without
 * {@code renderbank.accounts.address-hash-secret}): written whole or not at all, and read back the
 * same on every start.
 */
class AddressHasherKeyFileTest {

    @TempDir
    Path data;

    private AddressHasher start() {
        return new AddressHasher(new AccountProperties(null), data);
    }

    @Test
    void theKeyIsCreatedOnceAndReadBackOnTheNextStart() throws Exception {
        byte[] first = start().hash("someone@example.com");
        assertThat(Files.readString(data.resolve(AddressHasher.KEY_FILE)).strip())
                .hasSize(44);
        assertThat(start().hash("someone@example.com")).isEqualTo(first);
        try (var files = Files.list(data)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(AddressHasher.KEY_FILE);
        }
    }

    /**
     * A process killed between creating the file and writing it (or a power loss before it was
     * flushed) left it empty: every hash then failed ("Empty key"), so no account could be deleted
     * and no sign-up bonus paid, until someone removed the file by hand.
     */
    @Test
    void anEmptyKeyFileLeftByAKilledStartIsReplaced() throws Exception {
        Files.writeString(data.resolve(AddressHasher.KEY_FILE), "");
        AddressHasher hasher = start();
        assertThat(hasher.hash("someone@example.com")).hasSize(32);
        assertThat(start().hash("someone@example.com")).isEqualTo(hasher.hash("someone@example.com"));
    }

    /** Two processes starting at once on a fresh data directory end with one key, the same for both. */
    @Test
    void twoStartsAtOnceAgreeOnOneKey() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                Path fresh = Files.createDirectory(data.resolve("round-" + round));
                var start = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Callable<byte[]> hasher = () -> {
                    start.await();
                    return new AddressHasher(new AccountProperties(null), fresh).hash("x@example.com");
                };
                var a = pool.submit(hasher);
                var b = pool.submit(hasher);
                start.countDown();
                assertThat(a.get()).as("round %d", round).isEqualTo(b.get());
                assertThat(new AddressHasher(new AccountProperties(null), fresh).hash("x@example.com"))
                        .as("and the next start, round %d", round)
                        .isEqualTo(a.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTruncatedKeyFileIsReplaced() throws Exception {
        Files.writeString(data.resolve(AddressHasher.KEY_FILE), "q2Vx");
        assertThat(start().hash("someone@example.com")).hasSize(32);
    }
}
