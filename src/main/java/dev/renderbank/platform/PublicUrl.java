package dev.renderbank.platform;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The URL the outside world reaches this node at (callback URLs, emails). {@code
 * renderbank.public-url} when set; otherwise localhost on the port the server actually bound,
 * read at call time so a random port (tests) is right too.
 */
@Component
public class PublicUrl {

    private final Environment env;

    PublicUrl(Environment env) {
        this.env = env;
    }

    public String get() {
        String configured = env.getProperty("renderbank.public-url");
        if (StringUtils.hasText(configured)) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        return "http://localhost:" + port;
    }
}
