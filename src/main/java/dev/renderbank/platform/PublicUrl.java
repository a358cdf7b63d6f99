package dev.renderbank.platform;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The URL the outside world reaches this node at (callback URLs, emails), never with a trailing
 * slash. {@code renderbank.public-url} when set, bound and checked by {@link PublicUrlSetting} at
 * start (a value that is not an absolute http(s) URL stops the start, in every profile); otherwise
 * localhost on the port the server actually bound, so a random port (tests) is right too. Resolved
 * once it is known (every job's submit needs it, and a lookup walks all property sources): until
 * the server has bound its port, each call looks again.
 */
@Component
public class PublicUrl {

    private final Environment env;
    private volatile String known;

    PublicUrl(Environment env) {
        this.env = env;
        this.known = PublicUrlSetting.configured(Binder.get(env))
                .map(Object::toString)
                .orElse(null);
    }

    public String get() {
        String url = known;
        if (url != null) {
            return url;
        }
        String bound = env.getProperty("local.server.port");
        if (bound != null) {
            url = "http://localhost:" + bound;
            known = url;
            return url;
        }
        return "http://localhost:" + env.getProperty("server.port", "8080");
    }
}
