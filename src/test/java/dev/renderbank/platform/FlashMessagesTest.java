package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.FlashMapManager;

/**
 * A page shows the message of the last action that redirected to it, never an older one left behind
 * by a double-click whose first redirect the browser did not follow.
 */
class FlashMessagesTest {

    final FlashMapManager manager = new FlashMessages().flashMapManager();
    final MockHttpSession session = new MockHttpSession();

    void redirectWith(String message, String path, String q) {
        FlashMap map = new FlashMap();
        map.put("flash", message);
        map.setTargetRequestPath(path);
        map.addTargetRequestParam("q", q);
        MockHttpServletRequest post = new MockHttpServletRequest("POST", "/admin/users/7/grant");
        post.setSession(session);
        manager.saveOutputFlashMap(map, post, new MockHttpServletResponse());
    }

    Object shownAt(String path, String q) {
        MockHttpServletRequest get = new MockHttpServletRequest("GET", path);
        get.setSession(session);
        get.setQueryString("q=" + q);
        get.setParameter("q", q);
        FlashMap map = manager.retrieveAndUpdate(get, new MockHttpServletResponse());
        return map == null ? null : map.get("flash");
    }

    @Test
    void theLastActionsMessageIsShownNotOneADoubleClickLeftBehind() {
        // a double-click: two answers, the browser follows only the second one's redirect
        redirectWith("Done: grant of 200 credits.", "/admin/users", "7");
        redirectWith("Already done: grant of 200 credits (this form was submitted before).", "/admin/users", "7");
        assertThat(shownAt("/admin/users", "7"))
                .isEqualTo("Already done: grant of 200 credits (this form was submitted before).");
        // the next action on the same page
        redirectWith("Done: grant of 30 credits.", "/admin/users", "7");
        assertThat(shownAt("/admin/users", "7")).isEqualTo("Done: grant of 30 credits.");
        assertThat(shownAt("/admin/users", "7")).as("shown once").isNull();
    }

    @Test
    void aMessageForAnotherPageStaysForThatPage() {
        redirectWith("Done: grant of 5 credits.", "/admin/users", "7");
        redirectWith("Done: suspend.", "/admin/users", "8");
        assertThat(shownAt("/admin/users", "7")).isEqualTo("Done: grant of 5 credits.");
        assertThat(shownAt("/admin/users", "8")).isEqualTo("Done: suspend.");
    }
}
