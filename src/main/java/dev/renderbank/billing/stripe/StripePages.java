package dev.renderbank.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Stripe list of the window read page by page as raw JSON (the objects as their webhooks carry
 * them, whatever the library's model knows), at most {@code PAGES} pages of {@code PAGE}. A list
 * longer than that is not read in part: a reconciliation that compared only its newest objects took
 * every open finding among the others for recorded and dropped it, so the provider is reported as
 * not checked instead ({@link #tooLong}), and its open findings are carried with that note.
 */
final class StripePages {

    static final long PAGE = 100;
    static final int PAGES = 50;
    private static final JsonMapper JSON = JsonMapper.shared();

    /** One page after the object id given (null: the first page). */
    interface Page {
        StripeCollection<?> after(String startingAfter) throws StripeException;
    }

    private StripePages() {}

    /** Every object of the list; {@code what} names it for {@link #tooLong}. */
    static List<JsonNode> all(String what, Page page) throws StripeException {
        List<JsonNode> all = new ArrayList<>();
        String after = null;
        for (int n = 0; n < PAGES; n++) {
            StripeCollection<?> list = page.after(after);
            String body = list.getLastResponse() == null
                    ? list.toJson()
                    : list.getLastResponse().body();
            JsonNode data = JSON.readTree(body).path("data");
            for (JsonNode o : data) {
                after = o.path("id").asString();
                all.add(o);
            }
            if (!Boolean.TRUE.equals(list.getHasMore()) || data.isEmpty()) {
                return all;
            }
        }
        throw tooLong(what);
    }

    /** Stripe has more of {@code what} in the window than a run reads. */
    static Unavailable tooLong(String what) {
        return new Unavailable(
                "Stripe lists more than " + PAGES * PAGE + " " + what + " in the window: none of them is compared this"
                        + " run (comparing only the newest would take every older difference for recorded); the"
                        + " window reaches back to the oldest open finding, so repair or resolve old Stripe findings"
                        + " to shorten it",
                null);
    }
}
