package dev.renderbank.identity.internal;

import dev.renderbank.identity.AccountProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * HMAC-SHA256 of an email address's canonical form ({@link EmailKeys}) under a server secret: lets identity remember that an
 * address had its sign-up bonus after the address itself is erased. A plain hash would not do:
 * anyone with the table and a list of addresses could test them.
 */
@Component
public class AddressHasher {

    private static final Logger log = LoggerFactory.getLogger(AddressHasher.class);

    static final String KEY_FILE = "address-hash.key";

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

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Outside prod (the production check requires the setting): a random key kept next to the data. */
    private static byte[] developmentKey(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Files.createDirectories(file.toAbsolutePath().getParent());
                try {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
                    log.info(
                            "Created the address-hash key {} (set renderbank.accounts.address-hash-secret in prod)",
                            file);
                } catch (FileAlreadyExistsException raced) {
                    // another process wrote it first: use theirs
                }
            }
            return Base64.getDecoder().decode(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
