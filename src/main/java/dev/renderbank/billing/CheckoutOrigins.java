package dev.renderbank.billing;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The origins a buyer's browser is sent to for a provider's checkout ({@code
 * renderbank.payments.*.checkout-origins}). The buy button is a form whose answer redirects there,
 * and browsers apply the page's CSP {@code form-action} to every redirect of a form submission
 * (Chromium and WebKit do): an origin missing from it stops the buyer at the redirect. So each is an
 * origin as CSP writes one, {@code https://host[:port]}, the host's first label may be {@code *}
 * (any subdomain); {@code http} only for this machine (tests, a local fake).
 */
public final class CheckoutOrigins {

    private CheckoutOrigins() {}

    /** {@code origins} as given, or an exception naming {@code key} and what is wrong with one of them. */
    static List<String> checked(String key, List<String> origins) {
        List<String> all = origins == null ? List.of() : List.copyOf(origins);
        for (String origin : all) {
            String problem = problem(origin);
            if (problem != null) {
                throw new IllegalArgumentException(key + " must list origins such as https://checkout.example.com or"
                        + " https://*.example.com: '" + origin + "' " + problem);
            }
        }
        return all;
    }

    private static String problem(String origin) {
        if (origin == null || origin.isBlank()) {
            return "is empty";
        }
        URI uri;
        try {
            uri = new URI(origin.replace("://*.", "://wildcard."));
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "names no host";
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return "has a path, query or fragment: an origin is scheme, host and port only";
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && local(uri.getHost()))) {
            return "must be https (http only for this machine)";
        }
        return null;
    }

    private static boolean local(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /** Whether {@code url} is on one of {@code origins} (a {@code *.} origin covers every subdomain of its host). */
    public static boolean covers(List<String> origins, String url) {
        URI target;
        try {
            target = new URI(url);
        } catch (URISyntaxException e) {
            return false;
        }
        if (target.getScheme() == null || target.getHost() == null) {
            return false;
        }
        String scheme = target.getScheme().toLowerCase(Locale.ROOT);
        String host = target.getHost().toLowerCase(Locale.ROOT);
        int port = effectivePort(scheme, target.getPort());
        for (String origin : origins) {
            boolean wildcard = origin.contains("://*.");
            URI o = URI.create(origin.replace("://*.", "://"));
            String oHost = o.getHost().toLowerCase(Locale.ROOT);
            boolean hostMatches = wildcard ? host.endsWith("." + oHost) : host.equals(oHost);
            if (hostMatches
                    && scheme.equals(o.getScheme().toLowerCase(Locale.ROOT))
                    && port == effectivePort(scheme, o.getPort())) {
                return true;
            }
        }
        return false;
    }

    private static int effectivePort(String scheme, int port) {
        return port >= 0 ? port : scheme.equals("https") ? 443 : 80;
    }
}
