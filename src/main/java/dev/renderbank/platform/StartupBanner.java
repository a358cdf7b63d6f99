package dev.renderbank.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells a newcomer where to point the browser. */
@Component
class StartupBanner {

    private static final Logger log = LoggerFactory.getLogger(StartupBanner.class);

    private final PublicUrl url;

    StartupBanner(PublicUrl url) {
        this.url = url;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        String publicUrl = url.get();
        log.info(
                "\n\n  renderbank is running at {}  (API under {}/api/v1, health at {}/actuator/health)\n",
                publicUrl,
                publicUrl,
                publicUrl);
    }
}
