package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Ends a response whose status and headers are already sent but whose body cannot be finished (a
 * stored file that fails to be read halfway through a download). Its status cannot become an error
 * any more; what is left is to drop the connection without finishing the body, so that the client
 * (or a proxy in front) sees a download shorter than its Content-Length, not one that looks
 * complete, and does not wait on a keep-alive connection for bytes that never come. The caller logs
 * the failure; {@link ResponseCutFilter} drops the connection once the handler has returned.
 */
public final class ResponseCut {

    static final String ATTRIBUTE = ResponseCut.class.getName() + ".cut";

    private ResponseCut() {}

    /** Asks for this request's connection to be dropped when the handler returns; says why (for debug). */
    public static void cut(HttpServletRequest request, String why) {
        request.setAttribute(ATTRIBUTE, why);
    }
}
