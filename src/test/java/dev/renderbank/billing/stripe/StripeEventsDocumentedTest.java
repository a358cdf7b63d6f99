package dev.renderbank.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README tells operators which Stripe events to subscribe to: exactly the events the app
 * handles. One the app handles and the README leaves out is never sent; one the README lists and the
 * app does not handle is sent and ignored, so whatever the operator subscribed it for never happens.
 */
class StripeEventsDocumentedTest {

    /** An event type in backticks, as the heads of the README's list items name them. */
    private static final Pattern EVENT_TYPE = Pattern.compile("`([a-z_]+(?:\\.[a-z_]+)+)`");

    /** The colon that ends a list item's head (followed by a space or a line break). */
    private static final Pattern HEAD_END = Pattern.compile(":\\s");

    @Test
    void theReadmeListsExactlyTheStripeEventsTheAppHandles() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("### Stripe webhook events");
        assertThat(start).as("README section \"### Stripe webhook events\"").isNotNegative();
        int end = readme.indexOf("\n#", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);

        assertThat(StripeEvents.SUBSCRIBED).contains("invoice_payment.paid");
        assertThat(StripeEvents.SUBSCRIBED)
                .allSatisfy(type ->
                        assertThat(section).as("README's Stripe webhook events").contains("`" + type + "`"));
        assertThat(listed(section))
                .as("the event types the README's list names")
                .containsExactlyInAnyOrderElementsOf(StripeEvents.SUBSCRIBED);
    }

    /**
     * The event types named at the head of each item ("- `a.b`, `c.d`: what they do") of the
     * section's first list, the one after "Subscribe the endpoint …".
     */
    private static Set<String> listed(String section) {
        int from = section.indexOf("\n- `");
        assertThat(from).as("a list of event types").isNotNegative();
        int to = section.indexOf("\n\n", from);
        String list = section.substring(from, to < 0 ? section.length() : to);
        Set<String> types = new TreeSet<>();
        for (String item : list.split("\n- ")) {
            Matcher colon = HEAD_END.matcher(item);
            if (!item.startsWith("`") || !colon.find()) {
                continue;
            }
            Matcher m = EVENT_TYPE.matcher(item.substring(0, colon.start()));
            while (m.find()) {
                types.add(m.group(1));
            }
        }
        return types;
    }
}
