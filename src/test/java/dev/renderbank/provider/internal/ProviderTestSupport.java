package dev.renderbank.provider.internal;

import dev.renderbank.provider.ProviderGateway;

/** Reaches into the provider module for tests in other packages that share one application context. */
public final class ProviderTestSupport {

    private ProviderTestSupport() {}

    /** Closes the KIE circuit breaker, so one test's storm of 5xx does not refuse the next test's calls. */
    public static void resetBreaker(ProviderGateway gateway) {
        ProviderGateway g = gateway instanceof TrippingGateway t ? t.delegate() : gateway;
        g = g instanceof UnreachableSimulator u ? u.delegate() : g;
        if (g instanceof KieHttpGateway http) {
            http.resetBreaker();
        }
    }
}
