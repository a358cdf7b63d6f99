package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The user lists page with {@code cursor} (the {@code nextCursor} of the previous page) and size
 * with {@code limit}. A client that sends {@code page}, {@code size} or {@code offset} (another
 * API's habit) is told so with a 400 naming the parameter, instead of getting the first page as if
 * its page had been honoured.
 */
public final class CursorPaging {

    private CursorPaging() {}

    /** Refuses {@code page}, {@code size} and {@code offset}; {@code maxLimit} is the list's largest page. */
    public static void refuseForeign(HttpServletRequest request, int maxLimit) {
        if (request.getParameter("page") != null) {
            throw new InvalidFieldException(
                    "page", "is not taken here: page with cursor (the nextCursor of the previous page)");
        }
        if (request.getParameter("size") != null) {
            throw new InvalidFieldException(
                    "size", "is not taken here: ask for a page size with limit (1 to " + maxLimit + ")");
        }
        if (request.getParameter("offset") != null) {
            throw new InvalidFieldException(
                    "offset", "is not taken here: page with cursor (the nextCursor of the previous page)");
        }
    }
}
