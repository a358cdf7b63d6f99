package dev.renderbank.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells a newcomer where to point the browser. */
@Component
class StartupBanner {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    private final String publicUrl;

    StartupBanner(@Value("${renderbank.public-url}") String publicUrl) {
        this.publicUrl = publicUrl;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        log.info(
                "\n\n  renderbank is running at {}  (API under {}/api/v1, health at {}/actuator/health)\n",
                publicUrl,
                publicUrl,
                publicUrl);
    }
}
