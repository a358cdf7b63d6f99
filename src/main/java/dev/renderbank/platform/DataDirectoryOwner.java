package dev.renderbank.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code <data-dir>/postgres.owner}: an operating-system lock held by the one process that runs
 * the embedded PostgreSQL of that data directory, with its pid written inside for messages. The
 * kernel drops the lock when the process dies, however it dies (SIGKILL, OOM killer, power loss),
 * so "locked" means exactly "the owner is alive" without trusting a pid that may have been reused.
 *
 * <p>Paths claimed by this JVM are remembered here and never opened a second time: on POSIX,
 * closing any descriptor of a file drops every lock the process holds on it.
 */
final class DataDirectoryOwner implements AutoCloseable {

    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryOwner(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes ownership and writes this process's pid, or empty when a live process owns the file. */
    static Optional<DataDirectoryOwner> claim(Path file) {
        Path key = file.toAbsolutePath().normalize();
        if (!CLAIMED.add(key)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel =
                    FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                CLAIMED.remove(key);
                return Optional.empty();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
            return Optional.of(new DataDirectoryOwner(key, channel, lock));
        } catch (IOException e) {
            closeQuietly(channel);
            CLAIMED.remove(key);
            throw new UncheckedIOException("Could not lock " + key, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            CLAIMED.remove(key);
            throw e;
        }
    }

    /** The pid of the live process that owns the file; empty when nobody does (or the file is absent). */
    static OptionalLong owner(Path file) {
        Path key = file.toAbsolutePath().normalize();
        if (CLAIMED.contains(key)) {
            return OptionalLong.of(ProcessHandle.current().pid());
        }
        if (!Files.exists(key)) {
            return OptionalLong.empty();
        }
        try (FileChannel channel = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                lock.release();
                return OptionalLong.empty();
            }
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,19}") ? OptionalLong.of(Long.parseLong(pid)) : OptionalLong.of(-1);
        } catch (OverlappingFileLockException e) {
            return OptionalLong.of(ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + key, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        CLAIMED.remove(file);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }
}
