package dev.renderbank.storage.internal;

import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.StoredAsset;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files under one directory. A write goes to a hidden temporary file beside its target and is then
 * renamed over it, so readers see the old file or the new one, never half of one; the file and then
 * its directory are synced, so a stored file survives a power loss. The content type
 * sits in a hidden sidecar ({@code .<name>.type}); keys cannot name hidden files, so the two never
 * collide.
 */
final class LocalAssetStore implements AssetStore {

    private static final Logger log = LoggerFactory.getLogger(LocalAssetStore.class);

    private final Path root;

    LocalAssetStore(Path dir) throws IOException {
        this.root = Files.createDirectories(dir).toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /**
     * Deletes what copies killed mid-way left ({@code .upload-*} files, which {@link #put} removes
     * itself unless its process dies first: a SIGKILL, an out-of-memory kill, a power loss) when last
     * written longer than {@code olderThan} ago: a copy under way (on this node or another one sharing
     * the folder) writes its file all along and lasts minutes at most. Keys cannot name hidden files,
     * so nothing stored is touched. Returns how many files it deleted.
     */
    int sweepAbandonedUploads(Duration olderThan) throws IOException {
        java.nio.file.attribute.FileTime before =
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(olderThan));
        int[] deleted = {0};
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                if (a.isRegularFile()
                        && f.getFileName().toString().startsWith(".upload-")
                        && a.lastModifiedTime().compareTo(before) < 0) {
                    try {
                        Files.deleteIfExists(f);
                        deleted[0]++;
                    } catch (IOException e) {
                        log.warn("an abandoned upload {} could not be deleted: {}", f, e.toString());
                    }
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
                // removed meanwhile (an account's files deleted, another node's clean-up): go on
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return deleted[0];
    }

    @Override
    public StoredAsset put(String key, InputStream content, String contentType) throws IOException {
        Path target = fileFor(key);
        Path grows = nearestExistingIfMissing(target.getParent());
        Files.createDirectories(target.getParent());
        String type = ContentTypes.safe(contentType, key);
        Path data = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
        Path typeFile = Files.createTempFile(target.getParent(), ".upload-", ".type");
        try {
            long size;
            String sha256;
            try (DigestInputStream in = Sha256.digesting(content);
                    FileChannel channel = FileChannel.open(data, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                size = in.transferTo(out);
                channel.force(true);
                sha256 = Sha256.hex(in);
            }
            Files.writeString(typeFile, type, StandardCharsets.US_ASCII);
            Files.move(typeFile, typeFileFor(target), StandardCopyOption.ATOMIC_MOVE);
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
            // the renames (and any folder made for them) last only once their directories are synced
            syncDirectory(target.getParent());
            for (Path up = target.getParent().getParent();
                    grows != null && up != null && up.startsWith(grows);
                    up = up.getParent()) {
                syncDirectory(up);
            }
            return new StoredAsset(key, size, type, sha256);
        } finally {
            Files.deleteIfExists(data);
            Files.deleteIfExists(typeFile);
        }
    }

    /** The existing folder that gains the first new one on the way to {@code dir}; null when {@code dir} exists. */
    private Path nearestExistingIfMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && p.startsWith(root) && !Files.isDirectory(p); p = p.getParent()) {
            missing = p;
        }
        return missing == null ? null : missing.getParent();
    }

    /**
     * Forces a directory's entries to disk. Where a directory cannot be opened for that (Windows),
     * the JDK offers no way to sync it: the rename is then as durable as the platform makes it.
     */
    private static void syncDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot open directory {} to sync it: {}", dir, e.toString());
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }

    @Override
    public Optional<AssetContent> open(String key) throws IOException {
        Path file = fileFor(key);
        if (Files.isDirectory(file)) { // a directory opens on Linux, then fails on the first read
            throw new IOException("asset " + key + " is a directory, not a file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            // size of the file we opened: a concurrent overwrite renames a new file in, this one stays whole
            long size = channel.size();
            return Optional.of(new AssetContent(Channels.newInputStream(channel), size, contentTypeOf(file, key)));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Local files are served through the app, which checks ownership first. */
    @Override
    public Optional<java.net.URI> presignedUrl(String key, Duration ttl) {
        AssetKeys.requireValid(key);
        return Optional.empty();
    }

    @Override
    public void delete(String key) throws IOException {
        Path file = fileFor(key);
        Files.deleteIfExists(file);
        Files.deleteIfExists(typeFileFor(file));
    }

    @Override
    public int deleteUnder(String prefix) throws IOException {
        Path dir = fileFor(AssetKeys.requirePrefix(prefix));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int[] deleted = {0};
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                if (Files.deleteIfExists(file) && !file.getFileName().toString().startsWith(".")) {
                    deleted[0]++;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE; // gone meanwhile
                }
                throw e;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                try {
                    Files.deleteIfExists(d);
                } catch (java.nio.file.DirectoryNotEmptyException written) {
                    // a file stored meanwhile: left for whoever stored it
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return deleted[0];
    }

    private Path fileFor(String key) {
        Path file = root.resolve(AssetKeys.requireValid(key)).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("asset key escapes the storage directory");
        }
        return file;
    }

    private static Path typeFileFor(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".type");
    }

    private static String contentTypeOf(Path file, String key) throws IOException {
        try {
            return ContentTypes.safe(
                    Files.readString(typeFileFor(file), StandardCharsets.US_ASCII)
                            .trim(),
                    key);
        } catch (NoSuchFileException e) {
            return ContentTypes.byExtension(key);
        }
    }
}
