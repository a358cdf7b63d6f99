package dev.renderbank.generation.web;

import dev.renderbank.generation.AssetFileName;
import dev.renderbank.generation.AssetRef;
import dev.renderbank.generation.Generations;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.platform.Problems;
import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.AssetStore;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Generated files, to their owner only: streamed through the app ({@link AssetDownload}), whole or
 * the one byte range asked for ({@link AssetRange}, so browsers can play videos), or a short-lived
 * S3 link. HEAD answers GET's status and headers for the whole file (a Range header is for GET
 * only), reading only the file's first part.
 */
@RestController
class AssetController {

    private final Generations generations;
    private final AssetStore store;

    AssetController(Generations generations, AssetStore store) {
        this.generations = generations;
        this.store = store;
    }

    @ApiResponse(
            responseCode = "200",
            description = "The file (image/png, image/jpeg, video/mp4 …)",
            content =
                    @Content(
                            mediaType = "application/octet-stream",
                            schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(
            responseCode = "206",
            description = "The one byte range a Range header asked for (local storage)",
            content =
                    @Content(
                            mediaType = "application/octet-stream",
                            schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "302", description = "With S3 storage: a short-lived direct link")
    @ApiResponse(
            responseCode = "304",
            description = "If-None-Match named the file's ETag: unchanged, no body",
            content = @Content)
    @ApiResponse(
            responseCode = "416",
            description = "The range starts past the end of the file",
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @ApiResponse(
            responseCode = "503",
            description = "The file could not be read right now (it is not lost); try again after Retry-After",
            content = @Content(mediaType = ApiDocsText.PROBLEM_JSON, schema = @Schema(ref = ApiDocsText.PROBLEM)))
    @GetMapping("/api/v1/assets/{id}")
    ResponseEntity<?> asset(
            @AuthenticationPrincipal CurrentUser user,
            @PathVariable String id,
            HttpServletRequest request,
            HttpServletResponse response) {
        Optional<AssetRef> ref = generations.asset(user.id(), id);
        if (ref.isEmpty()) {
            return notFound(id);
        }
        Optional<URI> direct;
        Optional<AssetContent> content;
        try {
            direct = store.presignedUrl(ref.get().storageKey(), null);
            if (direct.isPresent()) {
                return ResponseEntity.status(HttpStatus.FOUND)
                        .location(direct.get())
                        .build();
            }
            content = store.open(ref.get().storageKey());
        } catch (IOException e) {
            return StorageOutage.unreadable(id, e);
        }
        if (content.isEmpty()) {
            return notFound(id);
        }
        AssetContent c = content.get();
        try {
            // Kept by a browser only to ask again: each use of the file comes here, where a signed-out
            // visitor or a deleted file gets no copy; an unchanged one answers 304 without its bytes.
            String tag = entityTag(id, c.size());
            if (unchanged(request.getHeader(HttpHeaders.IF_NONE_MATCH), tag)) {
                response.setStatus(HttpStatus.NOT_MODIFIED.value());
                response.setHeader(HttpHeaders.ETAG, tag);
                response.setHeader(HttpHeaders.CACHE_CONTROL, CACHE);
                return null;
            }
            // Range applies to GET only (RFC 9110 section 14.2): HEAD answers the whole file's headers
            AssetRange range = HttpMethod.GET.matches(request.getMethod())
                    ? AssetRange.of(
                            request.getHeader(HttpHeaders.RANGE),
                            request.getHeader(HttpHeaders.IF_RANGE),
                            tag,
                            c.size())
                    : new AssetRange.Whole();
            if (range instanceof AssetRange.Unsatisfiable) {
                return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .header(HttpHeaders.CONTENT_RANGE, AssetRange.Unsatisfiable.contentRange(c.size()))
                        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                        .body(Problems.of(
                                HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                                "range-not-satisfiable",
                                "Range not satisfiable",
                                "The file has " + c.size() + " bytes"));
            }
            // a part is sent as a file of its own: the same stream, from the part's first byte
            AssetContent sent = c;
            byte[] first;
            try {
                if (range instanceof AssetRange.Part part) {
                    c.stream().skipNBytes(part.start());
                    sent = new AssetContent(c.stream(), part.length(), c.contentType());
                }
                first = AssetDownload.firstPart(sent);
            } catch (IOException e) {
                return StorageOutage.unreadable(id, e);
            }
            MediaType type = mediaType(ref.get().contentType());
            if (range instanceof AssetRange.Part part) {
                response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
                response.setHeader(HttpHeaders.CONTENT_RANGE, part.contentRange(c.size()));
            } else {
                response.setStatus(HttpStatus.OK.value());
            }
            response.setContentType(type.toString());
            response.setContentLengthLong(sent.size());
            response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
            response.setHeader(HttpHeaders.CACHE_CONTROL, CACHE);
            response.setHeader(HttpHeaders.ETAG, tag);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, disposition(type, id));
            if (!HttpMethod.HEAD.matches(request.getMethod())) {
                AssetDownload.send(sent, first, id, request, response);
            }
        } finally {
            AssetDownload.close(c);
        }
        return null; // written above
    }

    /**
     * A browser may keep the file but must ask before each use ({@code no-cache}), so it never shows
     * it after sign-out or its deletion; {@code private}: no shared cache keeps it at all.
     */
    static final String CACHE = "private, no-cache";

    /** An asset's bytes never change under its id; the size is part of the tag all the same. */
    static String entityTag(String id, long size) {
        return "\"" + id + "-" + size + "\"";
    }

    /** {@code If-None-Match} names this tag, or is {@code *} (weak comparison, RFC 9110 §13.1.2). */
    static boolean unchanged(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String t = candidate.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /** Types a browser only ever shows as a picture or a video, never runs: shown in the page. */
    private static final Set<String> SHOWN =
            Set.of("image/png", "image/jpeg", "image/webp", "image/gif", "video/mp4", "video/webm", "video/quicktime");

    /**
     * {@code inline} for a picture or a video; any other type (an operator may allow more in
     * {@code renderbank.download.allowed-content-types}, and a provider may name an HTML or SVG file
     * one of them) is a download, so a file from the provider's host never opens as a page of ours.
     * Either way the name carries the type's extension ({@link AssetFileName}), so a saved file opens.
     */
    static String disposition(MediaType type, String id) {
        String bare = type.getType() + "/" + type.getSubtype();
        boolean shown = SHOWN.contains(bare);
        return ContentDisposition.builder(shown ? "inline" : "attachment")
                .filename(AssetFileName.of(id, bare))
                .build()
                .toString();
    }

    /**
     * The stored type as a header; one stored before types were checked whether a response can carry
     * them (an unknown charset, say) is sent without its parameters, or as octet-stream: the owner's
     * file is served whatever its host called it.
     */
    static MediaType mediaType(String stored) {
        try {
            return MediaType.parseMediaType(stored);
        } catch (InvalidMediaTypeException e) {
            int semicolon = stored.indexOf(';');
            if (semicolon > 0) {
                try {
                    return MediaType.parseMediaType(stored.substring(0, semicolon));
                } catch (InvalidMediaTypeException bare) {
                    // below
                }
            }
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    private static ResponseEntity<?> notFound(String id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No asset " + id));
    }
}
