package dev.renderbank.identity.internal;

import java.text.Normalizer;

/**
 * The one canonical form of an email address, computed here and nowhere else, and stored ({@code
 * app_user.email_key}, unique): what makes two spellings one account, one sign-in throttle, one
 * request limit and one sign-up bonus. Trimmed, Unicode NFC (a composed {@code Ä} and {@code A} plus
 * a combining diaeresis look the same), then each character case-folded by its simple mapping
 * (upper, then lower: {@code K} the Kelvin sign and {@code k}, {@code İ} and {@code i}, {@code ς}
 * and {@code σ} are one). It depends neither on the JVM's default locale nor on the database
 * cluster's ({@code lower()} in PostgreSQL follows the cluster's locale: a C cluster folds ASCII
 * only). The address as typed is kept beside it: mail goes there.
 */
public final class EmailKeys {

    /**
     * The version of this form, stored beside each key ({@code app_user.email_key_version}): raise it
     * when {@link #of} changes, and the next start re-keys every account (EmailKeyRepair).
     */
    public static final int VERSION = 1;

    private EmailKeys() {}

    /** The canonical form of {@code email} (any text: a NUL or a lone surrogate passes through). */
    public static String of(String email) {
        if (email == null) {
            return "";
        }
        String composed = Normalizer.normalize(email.strip(), Normalizer.Form.NFC);
        StringBuilder folded = new StringBuilder(composed.length());
        composed.codePoints().forEach(cp -> folded.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return Normalizer.normalize(folded, Normalizer.Form.NFC);
    }
}
