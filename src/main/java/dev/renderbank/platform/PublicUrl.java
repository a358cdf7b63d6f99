package dev.renderbank.platform;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The URL the outside world reaches this node at (callback URLs, emails). {@code
 * renderbank.public-url} when set; otherwise localhost on the port the server actually bound, so a
 * random port (tests) is right too. Resolved once it is known (every job's submit needs it, and a
 * lookup walks all property sources): until the server has bound its port, each call looks again.
 */
@Component
public class PublicUrl {

    private final Environment env;
    private volatile String known;

    PublicUrl(Environment env) {
        this.env = env;
    }

    public String get() {
        String url = known;
        if (url != null) {
            return url;
        }
        String configured = env.getProperty("renderbank.public-url");
        if (StringUtils.hasText(configured)) {
            url = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
            known = url;
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
