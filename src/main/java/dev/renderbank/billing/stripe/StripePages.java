package dev.renderbank.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.StripeCollection;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Stripe list of the window read page by page as raw JSON (the objects as their webhooks carry
 * them, whatever the library's model knows), at most {@code PAGES} pages of {@code PAGE}.
 */
final class StripePages {

    static final long PAGE = 100;
    private static final int PAGES = 50;
    private static final JsonMapper JSON = JsonMapper.shared();

    /** One page after the object id given (null: the first page). */
    interface Page {
        StripeCollection<?> after(String startingAfter) throws StripeException;
    }

    private StripePages() {}

    static List<JsonNode> all(Page page) throws StripeException {
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
                break;
            }
        }
        return all;
    }
}
