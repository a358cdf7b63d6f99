package dev.renderbank.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server as its data directory's {@code postmaster.pid} describes it (line 1 the pid,
 * line 4 the port, line 8 the status), and the one way we stop a server we do not own: SIGINT,
 * PostgreSQL's "fast" shutdown (sessions end, a checkpoint is written, nothing is lost).
 */
record Postmaster(long pid, int port, String status) {

    private static final Logger log = LoggerFactory.getLogger(Postmaster.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    /** Generous: replaying a big write-ahead log with fsync on, on a slow disk. */
    static final Duration LEFTOVER_RECOVERY_WAIT = Duration.ofMinutes(30);

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    static Optional<Postmaster> read(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            int port = lines.size() > 3 ? Integer.parseInt(lines.get(3).trim()) : -1;
            String status = lines.size() > 7 ? lines.get(7).trim() : "";
            return Optional.of(new Postmaster(pid, port, status));
        } catch (RuntimeException e) {
            // being written right now, or not a pid file at all
            return Optional.empty();
        }
    }

    boolean ready() {
        return "ready".equals(status) && port > 0 && alive();
    }

    /**
     * Alive and not yet taking connections: {@code starting} (crash recovery runs then), {@code
     * standby} (an archive recovery without hot standby: still recovering, and stopping it now throws
     * the replay away as surely), or no status line yet (the moment between writing the file and
     * opening the sockets). A hot standby writes {@code ready} once it takes read-only connections;
     * the embedded database never runs as one (it writes no {@code recovery.signal}).
     */
    boolean starting() {
        return ("starting".equals(status) || "standby".equals(status) || status.isEmpty()) && alive();
    }

    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The live server of {@code dataDir}, if {@code postmaster.pid} names one (never another program). */
    static Optional<Postmaster> running(Path dataDir) {
        return read(dataDir)
                .filter(p -> ProcessHandle.of(p.pid())
                        .filter(ProcessHandle::isAlive)
                        .filter(h -> servesDirectory(h, dataDir))
                        .isPresent());
    }

    /**
     * Stops a server left running in {@code dataDir} by an owner that is gone, and waits for it to
     * exit. A pid file whose process is gone is left to PostgreSQL (it removes a stale one itself);
     * one whose pid now belongs to another program (or another server) is removed, because
     * PostgreSQL would refuse to start while it names a live process. A server still starting up
     * (crash recovery replaying its write-ahead log) is first waited for, up to {@link
     * #LEFTOVER_RECOVERY_WAIT}: stopping it would throw the replay away, and the next start would
     * begin it again from the same checkpoint.
     */
    static void stopLeftover(Path dataDir) {
        Optional<Postmaster> found = read(dataDir);
        if (found.isEmpty()) {
            return;
        }
        long pid = found.get().pid();
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return;
        }
        if (!servesDirectory(process.get(), dataDir)) {
            log.warn(
                    "{}/postmaster.pid names pid {}, which is not this directory's PostgreSQL: removing the stale file",
                    dataDir,
                    pid);
            try {
                Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        if (found.get().starting()
                && awaitStartup(dataDir, pid, LEFTOVER_RECOVERY_WAIT, "its owner is gone; it is stopped once ready")
                        .filter(Postmaster::starting)
                        .isPresent()) {
            throw new IllegalStateException("The embedded PostgreSQL (pid " + pid + ") of " + dataDir
                    + " left by an earlier run is still starting up (crash recovery) after "
                    + LEFTOVER_RECOVERY_WAIT.toMinutes() + " min; it is left running to finish: start again later");
        }
        if (!process.get().isAlive()) {
            return;
        }
        log.warn("The embedded PostgreSQL (pid {}) of {} outlived the process that ran it: stopping it", pid, dataDir);
        stop(process.get(), dataDir, "left by an earlier run");
    }

    /** Stops the server of {@code dataDir} that this process launched (fast shutdown) and waits for it. */
    static void stopLaunched(Path dataDir, long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isPresent()) {
            stop(process.get(), dataDir, "started by this process");
        }
    }

    private static void stop(ProcessHandle process, Path dataDir, String whose) {
        long pid = process.pid();
        if (!interrupt(pid)) {
            process.destroy();
        }
        try {
            process.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("The embedded PostgreSQL (pid " + pid + ") of " + dataDir + " " + whose
                    + " did not stop within " + STOP_WAIT.toSeconds() + " s; stop it with 'kill -INT " + pid
                    + "' and start again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL pid " + pid, e);
        }
    }

    /**
     * Waits while the server {@code pid} of {@code dataDir} is still starting up, saying so now and
     * every {@link #PROGRESS_EVERY}; gives up after {@code atMost} (it keeps running).
     *
     * @return what {@code postmaster.pid} says at the end; empty once that server is gone
     */
    static Optional<Postmaster> awaitStartup(Path dataDir, long pid, Duration atMost, String why) {
        long start = System.nanoTime();
        log.warn(
                "The embedded PostgreSQL (pid {}) of {} is still starting up, most likely replaying its write-ahead"
                        + " log after a crash; waiting for it ({})",
                pid,
                dataDir,
                why);
        Duration reported = Duration.ZERO;
        while (true) {
            Optional<Postmaster> now = read(dataDir).filter(p -> p.pid() == pid);
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return Optional.empty();
            }
            // unreadable while being rewritten: still there, ask again
            if (now.isPresent() && !now.get().starting()) {
                return now;
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (waited.compareTo(atMost) >= 0) {
                return now.or(() -> Optional.of(new Postmaster(pid, -1, "starting")));
            }
            if (waited.minus(reported).compareTo(PROGRESS_EVERY) >= 0) {
                reported = waited;
                log.info(
                        "The embedded PostgreSQL (pid {}) of {} is still starting up after {} s",
                        pid,
                        dataDir,
                        waited.toSeconds());
            }
            try {
                process.get().onExit().get(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // still running: look at its status again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL pid " + pid, e);
            }
        }
    }

    /**
     * Whether the process is a PostgreSQL server of {@code dataDir} ({@code postgres -D <dir>}), so
     * that a pid reused after a reboot (by any program, or by another PostgreSQL) is never signalled.
     * What the system does not tell us (another user's process) is taken on the pid file's word.
     */
    private static boolean servesDirectory(ProcessHandle process, Path dataDir) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command()
                .map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
                .orElse(true);
        if (!postgres || info.arguments().isEmpty()) {
            return postgres;
        }
        String[] args = info.arguments().get();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-D")) {
                return sameFile(Path.of(args[i + 1]), dataDir);
            }
        }
        return true;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** SIGINT through kill(1); Java itself can only send SIGTERM (a "smart", waiting shutdown) or SIGKILL. */
    private static boolean interrupt(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
