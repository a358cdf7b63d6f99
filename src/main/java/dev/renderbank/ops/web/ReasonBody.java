package dev.renderbank.ops.web;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of an operator action that needs nothing but why (it is recorded in the audit). */
record ReasonBody(
        @Schema(
                description = "Why the operator acts; required, at most 1000 characters",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String reason) {}
