package dev.renderbank.billing.rewards;

/** Outcome of asking for a reward; refusals are values, not errors. */
public sealed interface RewardResult {

    /** Credits granted; {@code streak} is the check-in streak in days (0 for other rewards). */
    record Granted(long credits, int streak, String grantKey) implements RewardResult {}

    /**
     * Already given (today, or once per user); nothing new was granted. {@code streak}: the check-in
     * streak the day already given made (0 for other rewards).
     */
    record AlreadyGranted(String grantKey, int streak) implements RewardResult {}

    /**
     * Another account of the same mailbox (an alias of the address, Gmail's dots, or a deleted account
     * of it) had this daily {@code reward} ({@code check-in}, {@code share}) for the day: they are once
     * a day per mailbox; nothing was granted.
     */
    record TakenByMailbox(String reward) implements RewardResult {}

    /** Not allowed (unknown or deleted user …). */
    record Refused(String reason) implements RewardResult {}

    /**
     * Daily rewards are for accounts whose email address is verified (as the free plan's credits are),
     * so throwaway sign-ups cannot farm them; nothing was granted.
     */
    record EmailNotVerified() implements RewardResult {}
}
