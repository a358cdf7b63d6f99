package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;

/** Which requests leave an address to return to after sign-in, what is kept, and when it is forgotten. */
class ReturnAddressTest {

    private final ReturnAddress cache = new ReturnAddress();
    private final MockHttpServletResponse response = new MockHttpServletResponse();

    @Test
    void aPageKeepsItsPathAndQueryOnlyMarkedToContinue() {
        MockHttpServletRequest page = get("/creations/gen_1", "tab=a");
        page.addHeader("X-Pad", "p".repeat(6000));
        page.addHeader("Cookie", "other=" + "c".repeat(2000));
        cache.saveRequest(page, response);

        assertThat(page.getSession(false).getAttribute(ReturnAddress.SESSION_ATTRIBUTE))
                .isEqualTo("/creations/gen_1?tab=a&continue");
        assertThat(cache.getRequest(page, response).getRedirectUrl()).isEqualTo("/creations/gen_1?tab=a&continue");
        assertThat(cache.getRequest(page, response).getHeaderNames()).isEmpty();
        assertThat(cache.getRequest(page, response).getCookies()).isEmpty();

        MockHttpServletRequest plain = get("/account", null);
        cache.saveRequest(plain, response);
        assertThat(cache.getRequest(plain, response).getRedirectUrl()).isEqualTo("/account?continue");
    }

    @Test
    void requestsNotWorthReturningToStoreNothing() {
        MockHttpServletRequest json = get("/creations", null);
        json.addHeader("Accept", "application/json");
        MockHttpServletRequest stream = get("/api/v1/generations/x/events", null);
        stream.addHeader("Accept", "text/event-stream");
        MockHttpServletRequest script = get("/creations", null);
        script.addHeader("X-Requested-With", "XMLHttpRequest");
        MockHttpServletRequest post = get("/buy", null);
        post.setMethod("POST");
        MockHttpServletRequest longOne = get("/creations", "x=" + "y".repeat(ReturnAddress.LONGEST));
        MockHttpServletRequest otherHost = get("//elsewhere.example/x", null);
        MockHttpServletRequest backslash = get("/\\elsewhere.example/x", null);
        // a tab a browser strips from a relative Location, leaving "//elsewhere.example/x"
        MockHttpServletRequest tab = get("/\t/elsewhere.example/x", null);

        for (MockHttpServletRequest r :
                new MockHttpServletRequest[] {json, stream, script, post, longOne, otherHost, backslash, tab}) {
            cache.saveRequest(r, response);
            assertThat(r.getSession(false))
                    .as("%s %s?%s", r.getMethod(), r.getRequestURI(), r.getQueryString())
                    .isNull();
        }
    }

    /**
     * The address is kept as the browser sent it, still percent-encoded: decoded, "/%09/elsewhere"
     * became "/<tab>/elsewhere", which a browser reads as "//elsewhere" (another site) in a relative
     * Location, and "%3F" or "%23" in a path would come back as a query or a fragment.
     */
    @Test
    void theAddressIsKeptAsSentNotDecoded() {
        MockHttpServletRequest encoded = get("/%09/elsewhere.example/x", "q=a%26b");
        encoded.setServletPath("/\t/elsewhere.example/x");
        cache.saveRequest(encoded, response);
        assertThat(cache.getRequest(encoded, response).getRedirectUrl())
                .isEqualTo("/%09/elsewhere.example/x?q=a%26b&continue");

        MockHttpServletRequest question = get("/creations/a%3Fb", null);
        question.setServletPath("/creations/a?b");
        cache.saveRequest(question, response);
        assertThat(cache.getRequest(question, response).getRedirectUrl()).isEqualTo("/creations/a%3Fb?continue");
    }

    @Test
    void theAddressIsForgottenOnceTheBrowserIsBackAtIt() {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletRequest asked = get("/account", null);
        asked.setSession(session);
        cache.saveRequest(asked, response);

        MockHttpServletRequest elsewhere = get("/creations", "continue");
        elsewhere.setSession(session);
        assertThat(cache.getMatchingRequest(elsewhere, response)).isNull();
        assertThat(session.getAttribute(ReturnAddress.SESSION_ATTRIBUTE)).isEqualTo("/account?continue");

        MockHttpServletRequest back = get("/account", "continue");
        back.setSession(session);
        assertThat(cache.getMatchingRequest(back, response))
                .as("nothing to replay")
                .isNull();
        assertThat(session.getAttribute(ReturnAddress.SESSION_ATTRIBUTE)).isNull();
    }

    private static MockHttpServletRequest get(String path, String query) {
        MockHttpServletRequest r = new MockHttpServletRequest("GET", path);
        r.setServletPath(path);
        r.setQueryString(query);
        return r;
    }
}
