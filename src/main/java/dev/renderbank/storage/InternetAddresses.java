package dev.renderbank.storage;

import dev.renderbank.storage.internal.PublicAddresses;
import java.net.InetAddress;

/**
 * The address rules of output downloads, for other modules that make server-side requests to
 * user-supplied URLs (client webhooks): one definition of "on the public internet" for the whole
 * application.
 */
public final class InternetAddresses {

    private InternetAddresses() {}

    /**
     * False for loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast,
     * reserved and documentation ranges, IPv6 unique-local and link-local, and IPv6 forms that embed
     * such an IPv4 address (mapped, compatible, NAT64, 6to4).
     */
    public static boolean isPublic(InetAddress address) {
        return PublicAddresses.isPublic(address);
    }
}
