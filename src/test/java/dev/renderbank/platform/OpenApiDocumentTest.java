package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description covers the whole client API: every {@code /api/v1} route the application
 * serves (read from Spring MVC's own handler mappings, so a new controller is checked without
 * editing this test) appears in {@code /v3/api-docs} with its method; the internal endpoints do not.
 */
class OpenApiDocumentTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private JsonNode document() {
        Api.Response r = new Api(port).get("/v3/api-docs", null);
        assertThat(r.status()).as("the description is public: " + r.body()).isEqualTo(200);
        return r.json();
    }

    /** "GET /api/v1/credits" for every route the app serves under /api/v1. */
    private Set<String> servedRoutes() {
        Set<String> routes = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/v1/") && !pattern.equals("/api/v1")) {
                    continue;
                }
                if (methods.isEmpty()) {
                    routes.add("ANY " + pattern);
                }
                methods.forEach(m -> routes.add(m.name() + " " + pattern));
            }
        });
        return routes;
    }

    private static Set<String> documentedRoutes(JsonNode doc) {
        Set<String> routes = new TreeSet<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    String method = op.getKey().toUpperCase(Locale.ROOT);
                    if (Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
                            .contains(method)) {
                        routes.add(method + " " + path.getKey());
                    }
                }));
        return routes;
    }

    @Test
    void everyApiRouteTheAppServesIsDescribed() {
        Set<String> served = servedRoutes();
        assertThat(served)
                .as("the app's /api/v1 routes were found")
                .contains(
                        "POST /api/v1/generate-image",
                        "GET /api/v1/generations/{taskId}",
                        "POST /api/v1/generations/{taskId}/retry",
                        "DELETE /api/v1/generations/{taskId}/asset",
                        "GET /api/v1/catalog");
        Set<String> documented = documentedRoutes(document());
        List<String> missing = new ArrayList<>();
        for (String route : served) {
            if (route.startsWith("ANY ")) {
                String path = route.substring(4);
                if (documented.stream().noneMatch(d -> d.endsWith(" " + path))) {
                    missing.add(route);
                }
            } else if (!documented.contains(route)) {
                missing.add(route);
            }
        }
        assertThat(missing).as("routes served but not in /v3/api-docs").isEmpty();
    }

    @Test
    void internalEndpointsAreLeftOut() {
        Set<String> documented = documentedRoutes(document());
        assertThat(documented)
                .noneMatch(r -> r.contains(" /sim/") || r.contains(" /api/provider/") || r.contains(" /api/webhooks/"));
        assertThat(documented).allMatch(r -> r.contains(" /api/v1/"));
    }

    @Test
    void bearerAuthIdempotencyKeysAndProblemsAreDescribed() {
        JsonNode doc = document();
        JsonNode scheme = doc.at("/components/securitySchemes/bearer");
        assertThat(scheme.get("type").asString()).isEqualTo("http");
        assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
        assertThat(doc.at("/security/0").has("bearer")).isTrue();

        for (String path : List.of("/api/v1/generate-image", "/api/v1/generate-video", "/api/v1/checkout")) {
            JsonNode post = doc.at("/paths/" + path.replace("/", "~1") + "/post");
            List<String> headers = new ArrayList<>();
            post.get("parameters").forEach(p -> {
                if (p.get("in").asString().equals("header")) {
                    headers.add(p.get("name").asString());
                }
            });
            assertThat(headers).as(path).contains("Idempotency-Key");
            assertThat(post.at("/responses/401/content").has("application/problem+json"))
                    .as(path)
                    .isTrue();
        }
        JsonNode generate = doc.at("/paths/~1api~1v1~1generate-image/post");
        assertThat(generate.at("/responses/202/content/application~1json/schema/$ref")
                        .asString())
                .as("the accepted answer's record")
                .isNotBlank();
        for (String status : List.of("400", "402", "429", "503")) {
            assertThat(generate.at("/responses/" + status + "/content").has("application/problem+json"))
                    .as("generate-image answers " + status + " as problem+json")
                    .isTrue();
        }
        assertThat(generate.at("/requestBody/content/application~1json/schema/$ref")
                        .asString())
                .isNotBlank();
        assertThat(doc.at("/components/schemas/Problem/properties").has("retryAfterSeconds"))
                .isTrue();
    }

    /**
     * The statuses docs/API.md lists for a route are in its description, as problem+json (a 304 has
     * no body): the refusals a route answers itself (a checkout's rate limit and sales pause, a
     * webhook endpoint's limit and unusable port, ...), 400 for a bad query parameter, 413 for a body
     * over the cap, and the database outage's 503 on every route.
     */
    @Test
    void theStatusesApiMdListsAreDescribed() {
        JsonNode doc = document();
        List<String> missing = new ArrayList<>();
        for (String expected : List.of(
                "POST /api/v1/checkout 400 409 422 429 503",
                "POST /api/v1/webhook-endpoints 400 401 403 409 422",
                "POST /api/v1/tokens 400 401 403 422",
                "POST /api/v1/admin/reconcile 409",
                "GET /api/v1/admin/users 400 404",
                "GET /api/v1/admin/reconciliations/latest 404",
                "GET /api/v1/generations/{taskId}/events 404 429",
                "GET /api/v1/assets/{id} 304 404 416 503",
                "DELETE /api/v1/assets/{id} 404 503",
                "DELETE /api/v1/generations/{taskId}/asset 404 503",
                "GET /api/v1/credits/history 400",
                "GET /api/v1/generations 400",
                "GET /api/v1/purchases 400",
                "GET /api/v1/admin/audit 400",
                "GET /api/v1/admin/jobs/stuck 400",
                "GET /api/v1/admin/mail 400",
                "GET /api/v1/admin/margins 400",
                "GET /api/v1/admin/webhooks 400",
                "POST /api/v1/generate-image 413",
                "PUT /api/v1/notification-settings 413")) {
            String[] parts = expected.split(" ");
            JsonNode responses = doc.path("paths")
                    .path(parts[1])
                    .path(parts[0].toLowerCase(Locale.ROOT))
                    .path("responses");
            for (int i = 2; i < parts.length; i++) {
                JsonNode response = responses.path(parts[i]);
                if (response.isMissingNode()
                        || (!parts[i].equals("304") && !response.path("content").has("application/problem+json"))) {
                    missing.add(parts[0] + " " + parts[1] + " " + parts[i]);
                }
            }
        }
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (!op.getValue().path("responses").has("503")) {
                        missing.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + " 503 (database)");
                    }
                }));
        assertThat(missing)
                .as("statuses docs/API.md lists, not in /v3/api-docs")
                .isEmpty();

        JsonNode checkout = doc.at("/paths/~1api~1v1~1checkout/post/responses");
        assertThat(checkout.at("/429/description").asString()).contains("checkout-rate-limit");
        assertThat(checkout.at("/503/description").asString())
                .contains("sales-paused")
                .contains("payment-provider-unavailable");
        JsonNode endpoints = doc.at("/paths/~1api~1v1~1webhook-endpoints/post/responses");
        assertThat(endpoints.at("/409/description").asString()).contains("webhook-endpoint-limit");
        assertThat(endpoints.at("/422/description").asString()).contains("port");
    }

    /**
     * Every successful answer of an {@code /api/v1} route has a real schema: a named record
     * (component), a list of them, or a scalar. A route that returns {@code Map<String, Object>} or
     * {@code ResponseEntity<?>} without a documented record shows up as an untyped object (or no
     * schema at all), which tells a client nothing; this names each such route.
     */
    @Test
    void everySuccessfulAnswerHasATypedSchema() {
        JsonNode doc = document();
        List<String> untyped = new ArrayList<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    JsonNode responses = op.getValue().path("responses");
                    responses.properties().forEach(response -> {
                        if (!response.getKey().startsWith("2")) {
                            return;
                        }
                        String route = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                        JsonNode content = response.getValue().path("content");
                        content.properties().forEach(media -> {
                            if (media.getKey().equals("text/event-stream")) {
                                return;
                            }
                            if (!typed(doc, media.getValue().path("schema"))) {
                                untyped.add(route);
                            }
                        });
                    });
                }));
        assertThat(new TreeSet<>(untyped))
                .as("successful answers without a real schema (give the route a record)")
                .isEmpty();
    }

    /** A $ref to a component with properties, an array of typed items, a scalar, or a map of typed values. */
    static boolean typed(JsonNode doc, JsonNode schema) {
        if (schema.isMissingNode() || schema.isNull()) {
            return false;
        }
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asString().replace("#/components/schemas/", "");
            JsonNode component = doc.at("/components/schemas/" + name);
            return !component.isMissingNode() && !component.equals(schema) && typed(doc, component);
        }
        String type = schema.path("type").isArray()
                ? schema.path("type").get(0).asString()
                : schema.path("type").asString("");
        return switch (type) {
            case "string", "integer", "number", "boolean" -> true;
            case "array" -> typed(doc, schema.path("items"));
            default ->
                (schema.has("properties") && !schema.get("properties").isEmpty())
                        || (schema.path("additionalProperties").isObject()
                                && !schema.get("additionalProperties").isEmpty()
                                && typed(doc, schema.get("additionalProperties")));
        };
    }

    @Test
    void swaggerUiIsServedWithoutSigningIn() {
        Api.Response r = new Api(port).get("/swagger-ui/index.html", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("swagger-ui");
    }
}
