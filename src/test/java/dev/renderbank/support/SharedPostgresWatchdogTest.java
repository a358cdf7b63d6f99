package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test JVM killed with SIGKILL (Surefire's timeout, the OOM killer) must not leave its shared
 * PostgreSQL running: each one left a postmaster, its shared memory and a port behind.
 */
class SharedPostgresWatchdogTest {

    @TempDir
    Path tmp;

    @Test
    void theSharedServerStopsWhenItsTestJvmIsKilled() throws Exception {
        ChildJvm child = ChildJvm.start(tmp.resolve("child.log"), true, SharedPostgresChild.class.getName());
        long postmaster = -1;
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> child.output().contains("READY ")
                            || !child.process().isAlive());
            assertThat(child.output()).as(child.tail()).contains("READY ");
            postmaster = Long.parseLong(child.output()
                    .lines()
                    .filter(l -> l.startsWith("READY "))
                    .findFirst()
                    .orElseThrow()
                    .substring(6)
                    .trim());
            assertThat(alive(postmaster)).isTrue();

            child.process().destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs

            long pid = postmaster;
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !alive(pid));
        } finally {
            child.process().destroyForcibly();
            if (postmaster > 0 && alive(postmaster)) {
                ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy); // never leave it behind
            }
        }
    }

    private static boolean alive(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        return p.isPresent() && p.get().isAlive();
    }
}
