package dev.renderbank.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The page a signed-out browser asked for, to return to after it signs in (an emailed link to
 * /account or a creation, say): its address only, as one short string in the session. Spring
 * Security's default kept the whole request instead (every header, cookie and parameter, up to the
 * ~8 KB a client may send) in a session it created for any anonymous caller, so each scripted GET
 * of a protected page stored a caller-sized row for the 30 minutes of the session timeout. Nothing
 * of the request but its address is needed: after sign-in the browser is sent to that address and
 * asks for the page again itself. An address longer than {@link #LONGEST} is not kept at all, and
 * without one the sign-in leads to the home page.
 */
final class ReturnAddress implements RequestCache {

    /** The longest path and query kept (links the app sends are far shorter). */
    static final int LONGEST = 2048;

    /** Session attribute: the address relative to the context path, with {@link #CONTINUE} in its query. */
    static final String SESSION_ATTRIBUTE = "renderbank.returnAddress";

    /**
     * Marks the request that follows the sign-in's redirect (Spring's convention): only a request
     * with it looks into the session, to forget the address it came back to.
     */
    static final String CONTINUE = "continue";

    /** Which requests are worth coming back to: Spring Security's defaults, pages opened by a browser. */
    private static final RequestMatcher PAGE_REQUEST = new AndRequestMatcher(List.of(
            PathPatternRequestMatcher.pathPattern(HttpMethod.GET, "/**"),
            new NegatedRequestMatcher(PathPatternRequestMatcher.pathPattern("/favicon.*")),
            new NegatedRequestMatcher(new RequestHeaderRequestMatcher("X-Requested-With", "XMLHttpRequest")),
            new NegatedRequestMatcher(new RequestHeaderRequestMatcher("Upgrade", "websocket")),
            notAccepting(MediaType.APPLICATION_JSON),
            notAccepting(MediaType.MULTIPART_FORM_DATA),
            notAccepting(MediaType.TEXT_EVENT_STREAM)));

    private static RequestMatcher notAccepting(MediaType type) {
        MediaTypeRequestMatcher accepting = new MediaTypeRequestMatcher(type);
        accepting.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        return new NegatedRequestMatcher(accepting);
    }

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        if (!PAGE_REQUEST.matches(request)) {
            return;
        }
        String address = asSent(request);
        // a path of this app only, as the browser sent it (still percent-encoded): "//host" or
        // "/\host" would make the redirect leave it, and so would a decoded one ("/%09/host" decoded
        // is "/<tab>/host", which a browser reads as "//host" in a relative Location). The firewall
        // refuses some of these already; this holds without it.
        if (address.length() > LONGEST
                || !address.startsWith("/")
                || address.startsWith("//")
                || !address.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\')) {
            return;
        }
        String query = request.getQueryString();
        request.getSession().setAttribute(SESSION_ATTRIBUTE, address + (query == null ? "?" : "&") + CONTINUE);
    }

    /** The request's path within the app and its query, as sent: percent-encoded, never decoded. */
    private static String asSent(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context != null && !context.isEmpty() && uri.startsWith(context)
                ? uri.substring(context.length())
                : uri;
        String query = request.getQueryString();
        return query == null ? path : path + "?" + query;
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        Object address = session == null ? null : session.getAttribute(SESSION_ATTRIBUTE);
        return address instanceof String a ? new SimpleSavedRequest(a) : null;
    }

    /**
     * Forgets the address once the browser is back at it. Nothing is replayed: the request that
     * comes back is the page's request itself.
     */
    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        if (!continues(request.getQueryString())) {
            return null;
        }
        SavedRequest saved = getRequest(request, response);
        if (saved != null && saved.getRedirectUrl().equals(asSent(request))) {
            removeRequest(request, response);
        }
        return null;
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(SESSION_ATTRIBUTE);
        }
    }

    private static boolean continues(String query) {
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (pair.equals(CONTINUE) || pair.startsWith(CONTINUE + "=")) {
                return true;
            }
        }
        return false;
    }
}
