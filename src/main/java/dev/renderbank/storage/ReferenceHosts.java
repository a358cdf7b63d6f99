package dev.renderbank.storage;

import dev.renderbank.storage.internal.HostPolicy;
import dev.renderbank.storage.internal.PublicAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which hosts a URL handed to the provider (a reference image) may name. The provider fetches it,
 * not us, but a URL naming a cloud metadata service, a private network or this machine is never a
 * legitimate reference: it is refused by the same address rules as output downloads ({@link
 * HostPolicy}, {@link PublicAddresses}). With the simulator, which serves from this machine,
 * loopback is allowed, and only loopback.
 */
public final class ReferenceHosts {

    /** Numeric host forms other than a dotted quad (2130706433, 0x7f.1, 0177.1): fetchers differ on them. */
    private static final Pattern ODD_NUMERIC =
            Pattern.compile("(?i)(0x[0-9a-f]+|[0-9]+)(\\.(0x[0-9a-f]+|[0-9]+)){0,3}");

    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /**
     * Names that are never on the public internet, whatever resolves here: cloud metadata services
     * ({@code metadata.google.internal}, {@code instance-data}) and the {@code .internal} and
     * {@code .local} zones. They do not resolve on this machine either, so the rule below (an
     * unresolvable name goes to the provider as is) would otherwise let them through.
     */
    private static final Pattern INTERNAL_NAME = Pattern.compile("(?i)(.+\\.)?(internal|local)|metadata|instance-data");

    private final HostPolicy policy;

    ReferenceHosts(HostPolicy policy) {
        this.policy = policy;
    }

    /** Public internet addresses only (production). */
    public static ReferenceHosts publicOnly() {
        return new ReferenceHosts(HostPolicy.publicOnly());
    }

    /** Public addresses and this machine's loopback (the simulator's own URLs). */
    public static ReferenceHosts publicOrLoopback() {
        return new ReferenceHosts(
                HostPolicy.publicOnly().withAddressCheck(a -> PublicAddresses.isPublic(a) || a.isLoopbackAddress()));
    }

    ReferenceHosts withResolver(HostPolicy.Resolver resolver) {
        return new ReferenceHosts(policy.withResolver(resolver));
    }

    /**
     * Why {@code url} may not be given to the provider, for the client; empty when it may. A name
     * that does not resolve here is allowed: the provider resolves it on its own network.
     */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        if (uri.getRawUserInfo() != null) {
            // credentials would be handed to the provider, and user@host forms are how hosts are disguised
            return Optional.of("must not contain user info (user:password@)");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("must name a host");
        }
        String name = HostPolicy.normalize(host);
        if (ODD_NUMERIC.matcher(name).matches() && !DOTTED_QUAD.matcher(name).matches()) {
            return Optional.of("must name its host as a name or a dotted IPv4 address, not " + name);
        }
        if (INTERNAL_NAME.matcher(name).matches()) {
            return Optional.of("must be on the public internet; " + name + " is an internal or metadata name");
        }
        try {
            policy.resolve(name);
            return Optional.empty();
        } catch (HostPolicy.BlockedAddressException e) {
            return Optional.of("must be on the public internet; " + name
                    + " is a private, loopback, link-local or metadata address");
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
