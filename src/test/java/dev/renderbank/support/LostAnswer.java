package dev.renderbank.support;

import com.microsoft.playwright.Page;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection that drops on the way back, in a real browser: the first request a page sends to an
 * address reaches the server, which does its work and answers, but the page gets a network error
 * instead of that answer. The requests after it pass untouched.
 */
public final class LostAnswer {

    private LostAnswer() {}

    /** Loses the answer to the first request to {@code urlGlob}; returns how many were sent there. */
    public static AtomicInteger ofTheFirst(Page page, String urlGlob) {
        AtomicInteger sent = new AtomicInteger();
        page.route(urlGlob, route -> {
            if (sent.incrementAndGet() == 1) {
                route.fetch();
                route.abort("connectionreset");
            } else {
                route.resume();
            }
        });
        return sent;
    }
}
