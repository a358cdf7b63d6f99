package dev.renderbank.identity;

import dev.renderbank.identity.internal.SessionStore;
import dev.renderbank.identity.internal.TokenStore;
import dev.renderbank.identity.internal.TokenUses;
import dev.renderbank.identity.internal.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Self-service API tokens: issue (the secret shown once, only its SHA-256 kept), list, revoke, and
 * the check every bearer call makes. Issuing and revoking are for a signed-in browser session; the
 * web layer refuses them to bearer callers so a leaked token cannot mint its own successors.
 */
@Service
public class ApiTokens {

    public static final int MAX_NAME_LENGTH = 100;

    /** Expired tokens listed besides the live ones: the most recently expired (the sweep deletes them later). */
    public static final int EXPIRED_LISTED = 20;

    private final TokenStore store;
    private final SessionStore sessions;
    private final TokenUses uses;
    private final ApiTokenProperties limits;
    private final Clock clock;

    ApiTokens(TokenStore store, SessionStore sessions, TokenUses uses, ApiTokenProperties limits, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.uses = uses;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Issues a token named {@code name} that expires at {@code expiresAt} (null: never). The user's
     * row is locked while live tokens are counted, so concurrent requests cannot pass the cap together,
     * and a suspension, deletion, password reset or change under way is waited for: then nothing is
     * issued if the account may no longer act, the user already created {@code
     * renderbank.tokens.max-created-per-day} tokens in the last 24 hours (revoked and expired ones
     * included, so create-and-revoke cannot loop), or the browser session {@code sessionId} asking was
     * ended (a reset revokes every token because whoever knew the old password may have minted some).
     */
    @Transactional
    public TokenOutcome create(long userId, String sessionId, String name, Instant expiresAt) {
        Instant now = clock.instant();
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
            return new TokenOutcome.Invalid("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (!printable(trimmed)) {
            return new TokenOutcome.Invalid("name", "must be printable text, without control characters");
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            return new TokenOutcome.Invalid("expiresAt", "must be in the future");
        }
        if (expiresAt != null && expiresAt.isAfter(now.plus(limits.maxLifetime()))) {
            return new TokenOutcome.Invalid(
                    "expiresAt", "must be at most " + limits.maxLifetime().toDays() + " days from now");
        }
        TokenStore.UserState state =
                store.lockUser(userId).orElseThrow(() -> new IllegalStateException("no user " + userId));
        // suspended or deleted while the request was under way (a deletion has revoked every token)
        if (state == TokenStore.UserState.DELETED) {
            return new TokenOutcome.AccountGone();
        }
        if (state == TokenStore.UserState.SUSPENDED) {
            return new TokenOutcome.AccountSuspended();
        }
        if (sessionId == null || !sessions.exists(sessionId)) {
            // ended under the same lock (a reset, a change from another session): read after it
            return new TokenOutcome.SessionEnded();
        }
        if (store.countLive(userId, now) >= limits.maxPerUser()) {
            return new TokenOutcome.TooMany(limits.maxPerUser());
        }
        TokenStore.Created recent = store.createdSince(userId, now.minus(TokenStore.CREATION_WINDOW));
        if (recent.count() >= limits.maxCreatedPerDay()) {
            // free again once the first of the window's tokens is a day old (when max is 1, that one)
            return new TokenOutcome.TooManyCreated(
                    limits.maxCreatedPerDay(), recent.first().plus(TokenStore.CREATION_WINDOW));
        }
        String secret = Users.newSecret();
        long id = store.insert(userId, UserStore.sha256(secret), trimmed, expiresAt, now);
        return new TokenOutcome.Created(id, trimmed, secret);
    }

    /**
     * Whether an {@code Authorization} header carries a bearer token. A request with one is
     * authenticated by it or refused, never by the session, so this also tells how a call signed in.
     */
    public static boolean isBearer(String authorizationHeader) {
        return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /**
     * The user's live tokens and the {@link #EXPIRED_LISTED} that expired last, newest first, each with
     * its last use, this node's not yet stored ones included.
     */
    public List<ApiToken> list(long userId) {
        return withUses(store.listOf(userId, clock.instant(), EXPIRED_LISTED));
    }

    /** One page of {@link #all}: its tokens, and the cursor of the next (null: this was the last). */
    public record Page(List<ApiToken> items, String nextCursor) {}

    /**
     * Every unrevoked token of the user, expired ones too, newest first, {@code limit} at a time from
     * {@code cursor} (null: the first page; else a {@link Page#nextCursor} given before).
     */
    public Page all(long userId, String cursor, int limit) {
        List<ApiToken> items = withUses(store.page(userId, cursor == null ? null : Long.valueOf(cursor), limit));
        return new Page(
                items,
                items.size() < limit
                        ? null
                        : Long.toString(items.get(items.size() - 1).id()));
    }

    private List<ApiToken> withUses(List<ApiToken> stored) {
        return stored.stream()
                .map(t -> new ApiToken(t.id(), t.name(), t.createdAt(), lastUse(t.id(), t.lastUsedAt()), t.expiresAt()))
                .toList();
    }

    /** The later of the stored use and this node's recorded one. */
    private Instant lastUse(long tokenId, Instant stored) {
        Instant recorded = uses.pending(tokenId).orElse(null);
        if (recorded == null) {
            return stored;
        }
        return stored == null || recorded.isAfter(stored) ? recorded : stored;
    }

    /** True if the user's live token was revoked; false if it is not theirs or already revoked. */
    @Transactional
    public boolean revoke(long userId, long tokenId) {
        return store.revoke(userId, tokenId, clock.instant()) == 1;
    }

    /** Revokes all of the user's tokens (account deletion, suspension); returns how many were live. */
    @Transactional
    public int revokeAll(long userId) {
        return store.revokeAll(userId, clock.instant());
    }

    /**
     * The principal a presented token stands for, if it is live now (not revoked, not expired, user
     * enabled). Records the use only when the last one known (stored, or recorded here and not yet
     * stored) is older than a minute: a read per call, and at most once a minute per token a use
     * that {@link TokenUses} stores behind the call, many tokens in one commit.
     */
    public Optional<CurrentUser> authenticate(String token) {
        Instant now = clock.instant();
        return store.findLive(UserStore.sha256(token), now).map(found -> {
            Instant known = lastUse(found.tokenId(), found.lastUsedAt());
            if (known == null || known.isBefore(now.minus(TokenStore.USE_RESOLUTION))) {
                uses.record(found.tokenId(), now);
            }
            return found.user();
        });
    }

    /** Control characters and unpaired surrogates cannot be shown back (NUL cannot even be stored). */
    static boolean printable(String s) {
        return s.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE);
    }
}
