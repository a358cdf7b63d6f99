package dev.renderbank.platform;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.StringUtils;

/**
 * {@code renderbank.public-url} as bound, checked as a URL before anything appends a path to it:
 * an absolute {@code http} or {@code https} URL with a host, no whitespace, no user info, query or
 * fragment. Trailing slashes are dropped ({@code https://x.com/} is {@code https://x.com}), so a
 * callback is never {@code https://x.com//api/...}. {@link PublicUrl} and the {@code prod} guard
 * read it through here, so the value the guard accepted is the value links are built from.
 */
final class PublicUrlSetting {

    static final String KEY = "renderbank.public-url";

    private static final Pattern IP_LITERAL = Pattern.compile("\\[.*]|[0-9.]+");

    /** A name of URI's unreserved characters (underscore included), then an optional port. */
    private static final Pattern NAME_AND_PORT = Pattern.compile("([A-Za-z0-9._~-]+)(?::[0-9]*)?");

    private PublicUrlSetting() {}

    /**
     * The configured URL without trailing slashes; empty when unset or blank (then localhost).
     *
     * @throws IllegalArgumentException saying what is wrong with a value that is set
     */
    static Optional<URI> configured(Binder config) {
        String value = config.bind(KEY, String.class).orElse(null);
        if (!StringUtils.hasText(value)) {
            return Optional.empty();
        }
        return Optional.of(parse(value));
    }

    static URI parse(String value) {
        if (!value.equals(value.strip())) {
            throw invalid(value, "it has leading or trailing whitespace");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(value, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(value, "it needs https:// (or http:// outside prod) and a host");
        }
        if (uri.getRawUserInfo() != null
                || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid(value, "paths are appended to it, so it may not have user info, a query or a fragment");
        }
        if (host(uri).isEmpty()) {
            throw invalid(value, "it has no host");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    /** Why {@code prod} refuses this (already parsed) URL, if it does: clear-text links, or this machine only. */
    static Optional<String> productionProblem(URI url) {
        if (!url.getScheme().equals("https")) {
            return Optional.of(KEY + "=" + url + " is not https: links in emails and provider callbacks would"
                    + " travel in clear text");
        }
        if (loopback(host(url).orElseThrow())) {
            return Optional.of(
                    KEY + "=" + url + " is this machine only: provider callbacks and links would not" + " reach it");
        }
        return Optional.empty();
    }

    /**
     * The URL's host. {@link URI#getHost()} is null for a name {@code java.net.URI} does not take as
     * an Internet host name, such as a docker-compose service's {@code renderbank_app} (an
     * underscore): its authority is then read here, without the port (user info is refused before
     * this), so such a name is a host to the checks, prod's included.
     */
    static Optional<String> host(URI url) {
        if (url.getHost() != null) {
            return Optional.of(url.getHost());
        }
        Matcher authority = NAME_AND_PORT.matcher(url.getRawAuthority() == null ? "" : url.getRawAuthority());
        return authority.matches() ? Optional.of(authority.group(1)) : Optional.empty();
    }

    private static boolean loopback(String host) {
        // a name's trailing dot (the root: localhost. is localhost) is not part of it
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (!IP_LITERAL.matcher(h).matches()) {
            return false; // a name: never resolved here
        }
        try {
            InetAddress address = InetAddress.getByName(h); // a literal: no lookup
            return address.isLoopbackAddress() || address.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException(KEY + "='" + value + "' is not usable as the public URL: " + why);
    }
}
