package dev.renderbank.platform;

/**
 * Text from outside (an SMTP server's reply, a webhook receiver's answer) as PostgreSQL {@code text}
 * can hold it: NUL, which {@code text} cannot store, and unpaired surrogates become U+FFFD; at most
 * {@code max} characters, never cutting a surrogate pair in half.
 */
public final class StorableText {

    private StorableText() {}

    /** The storable form of {@code text} (null stays null), at most {@code max} characters. */
    public static String of(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (cp == 0 || (n == 1 && Character.isSurrogate((char) cp))) {
                cp = 0xFFFD;
            }
            if (b.length() + Character.charCount(cp) > max) {
                break;
            }
            b.appendCodePoint(cp);
            i += n;
        }
        return b.toString();
    }
}
