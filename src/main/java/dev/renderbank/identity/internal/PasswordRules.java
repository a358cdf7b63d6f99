package dev.renderbank.identity.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * What a new password must be: 12 characters at least (the length is what makes guessing slow), at
 * most 72 bytes (BCrypt reads no further), not on the bundled list of common passwords
 * ({@code identity/common-passwords.txt}), not one character repeated, not the email address.
 */
@Component
public class PasswordRules {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_BYTES = 72;

    private final Set<String> common;

    PasswordRules() {
        Set<String> list = new HashSet<>();
        try (var in = new BufferedReader(new InputStreamReader(
                new ClassPathResource("identity/common-passwords.txt").getInputStream(), StandardCharsets.UTF_8))) {
            in.lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .forEach(list::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.common = Set.copyOf(list);
    }

    /** Why {@code password} is refused, in words for the form; empty if it is acceptable. */
    public Optional<String> problem(String password, String email) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("Use at least " + MIN_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("Use at most " + MAX_BYTES + " bytes (about " + MAX_BYTES + " plain letters).");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower) || lower.chars().distinct().count() <= 2) {
            return Optional.of("This password is too common and easy to guess; choose another.");
        }
        if (email != null && lower.equals(email.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of("Do not use your email address as the password.");
        }
        return Optional.empty();
    }
}
