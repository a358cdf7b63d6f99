package dev.renderbank.identity.internal;

import dev.renderbank.identity.AccountProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * HMAC-SHA256 of an email address's canonical form ({@link EmailKeys}) under a server secret: lets identity remember that an
 * address had its sign-up bonus after the address itself is erased, and keys the throttles that
 * count by address ({@link #throttleKey}). A plain hash would not do: anyone with the tables and a
 * list of addresses could test them.
 */
@Component
public class AddressHasher {

    private static final Logger log = LoggerFactory.getLogger(AddressHasher.class);

    static final String KEY_FILE = "address-hash.key";

    private static final int KEY_BYTES = 32;

    /**
     * Prefixed to a throttle's name before it is keyed: no account's address holds a NUL, so a bonus
     * claim's input never starts so and the two kinds of hash never meet.
     */
    private static final String THROTTLE_LABEL = "throttle\u0000";

    /** Prefixed to a mailbox before it is keyed for the daily rewards: never a bonus claim's nor a throttle's hash. */
    private static final String DAILY_REWARD_LABEL = "daily-reward\u0000";

    /** Prefixed to a mailbox before it is keyed for a deleted account's debt: no other kind's hash. */
    private static final String DEBT_LABEL = "debt\u0000";

    private final byte[] key;

    AddressHasher(AccountProperties properties, @Value("${renderbank.data-dir:./data}") Path dataDir) {
        this.key = StringUtils.hasText(properties.addressHashSecret())
                ? properties.addressHashSecret().getBytes(StandardCharsets.UTF_8)
                : developmentKey(dataDir.resolve(KEY_FILE));
    }

    /** The key of {@code email}'s mailbox ({@link EmailKeys#mailbox}): one per mailbox, whatever alias. */
    public byte[] hash(String email) {
        return hmac(EmailKeys.mailbox(email));
    }

    /**
     * The key as it was before mailboxes were keyed ({@link EmailKeys#of}, the exact address):
     * claims recorded under it still count.
     */
    public byte[] exactHash(String email) {
        return hmac(EmailKeys.of(email));
    }

    /**
     * The sign-in throttle's, the known browsers' and the request limits' key for a name as a client
     * typed it: hex HMAC-SHA256 (64 characters, any name) of {@link SignInNames#throttleName} under
     * the same secret, labelled so it never equals a bonus claim's hash. Those rows outlive an
     * account's deletion by up to a week: a plain digest would tell anyone with the tables, and a list
     * of addresses to try, whose they were. The same on every node that has the same secret, so the
     * counts hold across nodes.
     */
    public String throttleKey(String name) {
        return HexFormat.of().formatHex(hmac(THROTTLE_LABEL + SignInNames.throttleName(name)));
    }

    /**
     * The key the daily rewards (check-in, share) of {@code email}'s mailbox ({@link EmailKeys#mailbox})
     * are recorded under: hex HMAC-SHA256 (64 characters) under the same secret, labelled so it equals
     * no bonus claim's or throttle's hash. Those rows stay after the account is deleted (the mailbox's
     * day is taken whichever of its accounts took it), so they must not name the address.
     */
    public String dailyRewardKey(String email) {
        return HexFormat.of().formatHex(hmac(DAILY_REWARD_LABEL + EmailKeys.mailbox(email)));
    }

    /**
     * The key a deleted account's mailbox ({@link EmailKeys#mailbox}) is remembered under for its debt
     * ({@link DeletedMailboxes}): hex HMAC-SHA256 (64 characters) under the same secret, labelled so
     * it equals no bonus claim's, throttle's or daily reward's key.
     */
    public String debtKey(String email) {
        return HexFormat.of().formatHex(hmac(DEBT_LABEL + EmailKeys.mailbox(email)));
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Outside prod (the production check requires the setting): a random key kept next to the data.
     * Written whole or not at all (a temporary file, flushed, then linked in under the key's name,
     * which fails if another process linked its own first: theirs is used): a process killed while
     * writing it, or a power loss soon after the first start, left an empty file, and every hash
     * then failed for good ("Empty key": no account could be deleted, no sign-up bonus paid). A key
     * file that is not a whole key (such a leftover) is replaced: nothing can have been hashed with
     * it.
     */
    private static byte[] developmentKey(Path file) {
        try {
            Optional<byte[]> existing = readKey(file);
            if (existing.isPresent()) {
                return existing.get();
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            boolean broken = Files.exists(file);
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path tmp = Files.createTempFile(dir, KEY_FILE, ".tmp");
            try {
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    out.write(ByteBuffer.wrap(
                            Base64.getEncoder().encodeToString(fresh).getBytes(StandardCharsets.US_ASCII)));
                    out.force(true);
                }
                if (broken) {
                    // read again: another process may have linked a whole key since the first read
                    Optional<byte[]> theirs = readKey(file);
                    if (theirs.isPresent()) {
                        return theirs.get();
                    }
                    log.warn(
                            "The address-hash key {} is not a whole key (left by a process that died writing"
                                    + " it): replaced",
                            file);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.createLink(file, tmp);
                    log.info(
                            "Created the address-hash key {} (set renderbank.accounts.address-hash-secret in prod)",
                            file);
                }
            } catch (FileAlreadyExistsException raced) {
                // another process linked its key first: use theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
            return readKey(file).orElseThrow(() -> new IOException("no whole key in " + file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** The key in {@code file}, if it holds a whole one. */
    private static Optional<byte[]> readKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
            return key.length == KEY_BYTES ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException | java.nio.charset.MalformedInputException notAKey) {
            return Optional.empty();
        }
    }
}
