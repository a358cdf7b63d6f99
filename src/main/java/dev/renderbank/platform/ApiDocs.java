package dev.renderbank.platform;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description of the client API ({@code /v3/api-docs}, Swagger UI at {@code
 * /swagger-ui/index.html}): springdoc reads the {@code /api/v1} controllers (application.yml keeps
 * the provider simulator, provider callbacks and payment webhooks out); this adds what it cannot
 * see: bearer authentication, the problem+json refusals every route can answer (401, 403, 404 with
 * a path variable, 400 for a body or a query parameter, 413 for a body, the database outage's 503),
 * the Idempotency-Key header wherever a route honours one, and that a JSON body takes only the fields
 * its schema lists ({@link ClosedRequestBodies}). A route's own refusals (a 429, a 409
 * with its problem type) are {@code @ApiResponse} annotations on its handler; docs/API.md lists them
 * and {@code OpenApiDocumentTest} checks they are here.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI renderbankOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("renderbank API")
                        .version("v1")
                        .description("Credits for AI image and video generation. Authenticate with "
                                + "`Authorization: Bearer <api token>` (create one on /account/tokens) or, from "
                                + "the browser, the session cookie plus the CSRF header. Errors are RFC 9457 "
                                + "`application/problem+json`."))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API token of the user"))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** JSON request bodies take only the fields they list, as {@link StrictJsonBodies} holds them to. */
    @Bean
    OpenApiCustomizer closedRequestBodies() {
        return new ClosedRequestBodies();
    }

    /** problem+json answers on every operation, and the Idempotency-Key header where it is read. */
    @Bean
    OpenApiCustomizer problemResponses() {
        return api -> {
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths()
                    .forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
                        op.setResponses(responses);
                        addProblem(responses, "401", "No or an invalid bearer token, and no session");
                        addProblem(responses, "403", "Signed in, but not allowed (a missing role or CSRF token)");
                        if (path.contains("{")) {
                            addProblem(responses, "404", "Not found, or another user's object");
                        }
                        if (method != PathItem.HttpMethod.GET) {
                            addProblem(
                                    responses,
                                    "400",
                                    "Bad input (a field the request does not have included): `errors` names each"
                                            + " field and what to fix");
                        }
                        if (takesQueryParameters(op)) {
                            addProblem(
                                    responses,
                                    "400",
                                    "A query parameter is malformed, out of range or given more than once:"
                                            + " `errors` names it and what it takes");
                        }
                        if (op.getRequestBody() != null) {
                            addProblem(responses, "413", "The body is larger than `renderbank.http.max-body`");
                        }
                        databaseOutage(responses);
                        if (readsIdempotencyKey(op)) {
                            addProblem(
                                    responses,
                                    "409",
                                    "A first request with this Idempotency-Key is still running "
                                            + "(`Retry-After: 1`)");
                            addProblem(
                                    responses,
                                    "422",
                                    "The Idempotency-Key was used with a different body, or the "
                                            + "request names something the catalogue does not sell");
                        }
                    }));
        };
    }

    private static boolean takesQueryParameters(Operation op) {
        return op.getParameters() != null && op.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()));
    }

    /**
     * Every route can meet PostgreSQL out of reach ({@link DatabaseOutage}): its 503, or the route's own
     * 503 with this added.
     */
    private static void databaseOutage(ApiResponses responses) {
        String outage = "`" + DatabaseOutage.TYPE + "`: the database is unavailable for a moment; send the"
                + " request again after `Retry-After` (" + DatabaseOutage.RETRY_AFTER_SECONDS
                + " s), with the same Idempotency-Key";
        ApiResponse own = responses.get("503");
        if (own == null) {
            addProblem(responses, "503", outage);
        } else if (own.getDescription() == null || !own.getDescription().contains(DatabaseOutage.TYPE)) {
            own.setDescription((own.getDescription() == null ? "" : own.getDescription() + "; or ") + outage);
        }
    }

    private static boolean readsIdempotencyKey(Operation op) {
        if (op.getParameters() == null) {
            return false;
        }
        for (Parameter p : op.getParameters()) {
            if ("header".equals(p.getIn()) && "Idempotency-Key".equalsIgnoreCase(p.getName())) {
                p.setDescription("A fresh random key per intended request (kept 24 h): a repeat answers as "
                        + "the first did instead of acting twice");
                p.setSchema(new StringSchema().maxLength(200));
                return true;
            }
        }
        return false;
    }

    static void addProblem(ApiResponses responses, String status, String description) {
        if (responses.containsKey(status)) {
            return;
        }
        responses.addApiResponse(
                status,
                new ApiResponse()
                        .description(description)
                        .content(new Content()
                                .addMediaType(
                                        PROBLEM_JSON,
                                        new MediaType()
                                                .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
    }

    /** The fields of {@link Problems} and the extensions the refusals add (CONTRACT.md). */
    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        Map<String, Schema> props = new java.util.LinkedHashMap<>();
        props.put("type", new StringSchema().format("uri").example(Problems.TYPE_BASE + "insufficient-credits"));
        props.put("title", new StringSchema().example("Not enough credits"));
        props.put("status", new IntegerSchema().example(402));
        props.put("detail", new StringSchema().description("What happened and what to do, for a person"));
        props.put("instance", new StringSchema().format("uri"));
        props.put(
                "errors",
                new ArraySchema()
                        .items(new ObjectSchema()
                                .addProperty("field", new StringSchema())
                                .addProperty("message", new StringSchema()))
                        .description("400/422: each wrong field and what to fix"));
        props.put("retryAfterSeconds", new IntegerSchema().description("429/503: seconds to wait (also Retry-After)"));
        props.put("needed", new IntegerSchema().description("402: credits the request costs"));
        props.put("available", new IntegerSchema().description("402: credits available now"));
        props.put("debt", new IntegerSchema().description("402: unpaid debt that refuses new generations"));
        return new ObjectSchema().description("RFC 9457 problem details").properties(props);
    }
}
