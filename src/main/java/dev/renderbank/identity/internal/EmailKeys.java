package dev.renderbank.identity.internal;

import java.text.Normalizer;
import java.util.OptionalInt;

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

    /**
     * The first character of {@code email}, as typed or once composed (NFC: {@code I} plus a combining
     * dot above is {@code İ}), that {@link #of} folds into another letter rather than its own lower
     * case: {@code ſ} (long s) becomes {@code s}, {@code ı} and {@code İ} become {@code i}, {@code ς}
     * becomes {@code σ}, {@code µ} (micro) becomes {@code μ}, the Kelvin, Ohm and Angstrom signs become
     * {@code k}, {@code ω} and {@code å}, and a few more (Greek symbol forms such as {@code ϑ}, old
     * Cyrillic letter forms, titlecase digraphs such as {@code ǅ}, {@code ẞ}). An address holding one
     * has the key of another spelling, possibly another person's address; empty if there is none.
     */
    public static OptionalInt foldsIntoAnother(String email) {
        if (email == null) {
            return OptionalInt.empty();
        }
        OptionalInt typed = firstFoldingIntoAnother(email);
        return typed.isPresent() ? typed : firstFoldingIntoAnother(Normalizer.normalize(email, Normalizer.Form.NFC));
    }

    private static OptionalInt firstFoldingIntoAnother(String text) {
        return text.codePoints().filter(EmailKeys::foldsIntoAnother).findFirst();
    }

    /**
     * Whether folding changes {@code cp} other than as lower case changes a capital: {@code A} folds
     * to {@code a} and {@code a}'s capital is {@code A}; {@code ſ} folds to {@code s}, which is not its
     * lower case, and the Kelvin sign folds to {@code k}, whose capital is {@code K}, not the sign.
     */
    private static boolean foldsIntoAnother(int cp) {
        int folded = fold(cp);
        if (folded == cp) {
            return false;
        }
        return Character.toLowerCase(cp) != folded || Character.toUpperCase(folded) != cp;
    }

    private static int fold(int cp) {
        return Character.toLowerCase(Character.toUpperCase(cp));
    }

    /** Domains whose mail service ignores dots in the local part, and the one they all deliver to. */
    private static final java.util.Set<String> DOTLESS = java.util.Set.of("gmail.com", "googlemail.com");

    /**
     * Domains one mail service delivers to one mailbox, by the domain it stands for: {@code
     * googlemail.com} is Gmail; Proton's {@code protonmail.com}, {@code protonmail.ch} and {@code
     * pm.me} are {@code proton.me}; Apple's {@code me.com} and {@code mac.com} are {@code icloud.com}.
     */
    private static final java.util.Map<String, String> SAME_MAILBOX = java.util.Map.of(
            "googlemail.com", "gmail.com",
            "protonmail.com", "proton.me",
            "protonmail.ch", "proton.me",
            "pm.me", "proton.me",
            "me.com", "icloud.com",
            "mac.com", "icloud.com");

    /**
     * The mailbox {@code email} delivers to, as far as the address shows it: its canonical form
     * ({@link #of}) without a {@code +tag} in the local part (subaddressing: Gmail, Outlook, iCloud,
     * Fastmail, Proton and most others deliver {@code a+x@host} to {@code a@host}) nor a trailing dot
     * of the domain, its domain as mailers read it ({@link #asMailersReadIt}) and under the one name of
     * a service's several domains ({@link #SAME_MAILBOX}), and for Gmail without dots in the local part
     * ({@code googlemail.com} is Gmail too). What is granted once per address (the sign-up bonus) is keyed by it, so one mailbox
     * signing up under many aliases is paid once.
     */
    public static String mailbox(String email) {
        String key = of(email);
        int at = key.lastIndexOf('@');
        if (at <= 0 || at == key.length() - 1) {
            return key;
        }
        String local = key.substring(0, at);
        String domain = asMailersReadIt(key.substring(at + 1));
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (DOTLESS.contains(domain)) {
            local = local.replace(".", "");
        }
        return local + "@" + SAME_MAILBOX.getOrDefault(domain, domain);
    }

    /**
     * The domain as mail is routed to it (IDNA: {@link java.net.IDN#toASCII}): fullwidth letters and
     * digits are ASCII ({@code ｇmail.com}), the ideographic and fullwidth full stops ({@code 。 ． ｡})
     * are dots, soft hyphens and zero-width spaces are dropped, and an internationalised name is its
     * {@code xn--} form, whichever way it was typed. A mailer that delivers {@code gmail。com} delivers
     * it to {@code gmail.com}: keyed as typed, each spelling was a new mailbox (one more sign-up bonus
     * each). A domain IDNA refuses (a label over 63 characters …) is kept as it is.
     */
    private static String asMailersReadIt(String domain) {
        if (domain.indexOf('\u00DF') >= 0) {
            // ß: the JDK's IDNA (2003) maps it to ss, but it is a letter of its own in today's IDNA
            // (2008): straße.de and strasse.de are two domains (the final ς is σ already: see of)
            return domain;
        }
        try {
            return java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain;
        }
    }

    /** The canonical form of {@code email} (any text: a NUL or a lone surrogate passes through). */
    public static String of(String email) {
        if (email == null) {
            return "";
        }
        String composed = Normalizer.normalize(email.strip(), Normalizer.Form.NFC);
        StringBuilder folded = new StringBuilder(composed.length());
        composed.codePoints().forEach(cp -> folded.appendCodePoint(fold(cp)));
        return Normalizer.normalize(folded, Normalizer.Form.NFC);
    }
}
