package dev.renderbank.provider.internal;

import java.net.URI;

/** Where KIE calls go and with which key: KIE.ai itself, or the simulator inside this process. */
record KieEndpoint(URI baseUrl, String apiKey) {

    URI resolve(String pathAndQuery) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
    }
}
