package dev.renderbank.notify.webhooks;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook URL as text, before any host lookup: the port it names, and its international host name
 * written as DNS knows it. {@link WebhookUrlPolicy} decides what may be registered and reached.
 */
public final class WebhookUrlText {

    private WebhookUrlText() {}

    /** The port at the end of an authority ({@code host:port}, {@code [v6]:port}); digits only. */
    private static final Pattern AUTHORITY_PORT = Pattern.compile("^(?:.*@)?(?:\\[[^\\]]*\\]|[^:\\[\\]]*):(\\d+)$");

    /**
     * What is wrong with the port {@code url} names, if it names one no connection can use (0, or
     * above 65535; {@link URI} accepts any digits there); empty when it names none or a usable one.
     * Checked before anything else, since such a URL is well-formed and would otherwise be registered
     * and fail at every delivery.
     */
    public static Optional<String> portProblem(String url) {
        if (url == null || url.length() > WebhookUrlPolicy.MAX_URL_LENGTH) {
            return Optional.empty();
        }
        String authority;
        try {
            authority = new URI(url.trim()).getRawAuthority();
        } catch (URISyntaxException e) {
            return Optional.empty(); // refusal() says it is not a valid URL
        }
        if (authority == null) {
            return Optional.empty();
        }
        var m = AUTHORITY_PORT.matcher(authority);
        if (!m.matches()) {
            return Optional.empty();
        }
        String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
        long port = digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (port >= 1 && port <= 65535) {
            return Optional.empty();
        }
        String shown = m.group(1).length() > 12 ? m.group(1).substring(0, 12) + "…" : m.group(1);
        return Optional.of("has port " + shown + ": a port must be between 1 and 65535 (or leave it out for the"
                + " scheme's default, 443 for https)");
    }

    /** scheme://, the authority, the rest (path, query, fragment). */
    private static final Pattern URL_PARTS =
            Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)$", Pattern.DOTALL);

    /** user info@, the host, :port. */
    private static final Pattern AUTHORITY_PARTS = Pattern.compile("^(.*@)?([^@]*?)(:\\d*)?$", Pattern.DOTALL);

    /**
     * Letters IDNA 2003 ({@link IDN}) maps to another name than IDNA 2008 and browsers reach ({@code
     * faß.de} to {@code fass.de}): such a host must be written in punycode by its owner.
     */
    private static final Pattern IDNA_DEVIATIONS = Pattern.compile("[\u00DF\u03C2\u200C\u200D]");

    /**
     * {@code url} with an international host name written as DNS knows it, punycode ({@code
     * https://exämple.com/h} is {@code https://xn--exmple-cua.com/h}): what is checked, stored and sent
     * to. Unchanged when its host is ASCII already, or cannot be converted safely ({@link WebhookUrlPolicy#refusal} says
     * why).
     */
    public static String ascii(String url) {
        if (url == null) {
            return null;
        }
        Matcher parts = URL_PARTS.matcher(url.trim());
        if (!parts.matches()) {
            return url;
        }
        Matcher authority = AUTHORITY_PARTS.matcher(parts.group(2));
        if (!authority.matches()) {
            return url;
        }
        String host = authority.group(2);
        if (host.chars().allMatch(c -> c < 0x80)
                || IDNA_DEVIATIONS.matcher(host).find()) {
            return url;
        }
        try {
            String converted = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
            return parts.group(1)
                    + (authority.group(1) == null ? "" : authority.group(1))
                    + converted
                    + (authority.group(3) == null ? "" : authority.group(3))
                    + parts.group(3);
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
