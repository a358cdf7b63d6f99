package dev.renderbank.storage;

import dev.renderbank.storage.internal.HostPolicy;

/** Lets tests outside this package judge reference hosts with names resolved by a fake DNS. */
public final class ReferenceHostsTestSupport {

    private ReferenceHostsTestSupport() {}

    /** {@code hosts} as configured, resolving names with {@code resolver}. */
    public static ReferenceHosts resolvingWith(ReferenceHosts hosts, HostPolicy.Resolver resolver) {
        return hosts.withResolver(resolver);
    }
}
