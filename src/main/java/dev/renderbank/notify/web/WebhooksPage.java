package dev.renderbank.notify.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.notify.WebhookDelivery;
import dev.renderbank.notify.WebhookEndpoint;
import dev.renderbank.notify.Webhooks;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /account/webhooks}: the signed-in user's endpoints with their recent deliveries. Adding,
 * removing and resending go through the JSON API from {@code /js/webhooks.js} (with the page's CSRF
 * token), which also shows a new endpoint's secret, once.
 */
@Controller
class WebhooksPage {

    static final int DELIVERIES_PER_ENDPOINT = 10;

    private final Webhooks webhooks;

    WebhooksPage(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** One endpoint with its latest deliveries, for the template. */
    record Row(WebhookEndpoint endpoint, List<WebhookDelivery> deliveries) {}

    @GetMapping("/account/webhooks")
    String page(@AuthenticationPrincipal CurrentUser user, Model model) {
        List<Row> rows = webhooks.endpoints(user.id()).stream()
                .map(e -> new Row(
                        e,
                        webhooks.deliveries(user.id(), e.id()).orElse(List.of()).stream()
                                .limit(DELIVERIES_PER_ENDPOINT)
                                .toList()))
                .toList();
        model.addAttribute("rows", rows);
        model.addAttribute("eventTypes", Webhooks.EVENT_TYPES.stream().sorted().toList());
        model.addAttribute("maxEndpoints", webhooks.maxEndpointsPerUser());
        return "account/webhooks";
    }
}
