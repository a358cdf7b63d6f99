package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.FlashMapManager;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * The pages' "Done: …" messages (flash attributes carried over a redirect) always belong to the last
 * action that redirected to a page. Spring keeps every flash map until its redirect is followed or
 * it times out, and shows the oldest matching one. A double-click submits a form twice; the browser
 * follows only the last answer's redirect, so the first answer's message stays behind and was shown
 * after the operator's next action on the same page ("Done: grant of 200 credits" answering a grant of
 * 30). Here a new message replaces any one still waiting for the same page.
 */
@Configuration(proxyBeanMethods = false)
class FlashMessages {

    @Bean(DispatcherServlet.FLASH_MAP_MANAGER_BEAN_NAME)
    FlashMapManager flashMapManager() {
        return new LatestPerPage();
    }

    /** Keeps, of the flash maps for one target (path and parameters), only the one saved last. */
    static class LatestPerPage extends SessionFlashMapManager {

        @Override
        protected void updateFlashMaps(
                List<FlashMap> flashMaps, HttpServletRequest request, HttpServletResponse response) {
            super.updateFlashMaps(latestPerTarget(flashMaps), request, response);
        }

        static List<FlashMap> latestPerTarget(List<FlashMap> flashMaps) {
            List<FlashMap> kept = new ArrayList<>();
            for (int i = flashMaps.size() - 1; i >= 0; i--) {
                FlashMap map = flashMaps.get(i);
                if (kept.stream().noneMatch(k -> sameTarget(k, map))) {
                    kept.add(0, map);
                }
            }
            return kept;
        }

        private static boolean sameTarget(FlashMap a, FlashMap b) {
            return Objects.equals(a.getTargetRequestPath(), b.getTargetRequestPath())
                    && a.getTargetRequestParams().equals(b.getTargetRequestParams());
        }
    }
}
