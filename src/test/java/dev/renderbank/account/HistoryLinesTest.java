package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.LedgerEntry;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every kind of ledger entry reads as a sentence a user understands, with generations linked. */
class HistoryLinesTest {

    private static final Instant AT = Instant.parse("2026-11-30T08:15:00Z");
    private static final Map<String, String> MODELS = Map.of("gen_abc123", "sora-2");

    private static HistoryLine line(
            String kind, long balance, long held, long debt, String ref, String source, String reason) {
        LedgerEntry e = new LedgerEntry(
                1, kind, Math.max(Math.abs(balance), Math.abs(held)), balance, held, debt, ref, source, reason, AT);
        return HistoryLines.describe(e, id -> Optional.ofNullable(MODELS.get(id)));
    }

    @Test
    void grantsNameWhereTheCreditsCameFrom() {
        assertThat(line("GRANT", 500, 0, 0, "simulated:order:o1", "PURCHASE", "purchase of pack-500")
                        .text())
                .isEqualTo("Purchase of pack-500");
        assertThat(line("GRANT", 15, 0, 0, "signup:7", "SIGNUP", "sign-up bonus")
                        .text())
                .isEqualTo("Sign-up bonus");
        assertThat(line("GRANT", 2, 0, 0, "reward:check-in:7:2026-11-30", "REWARD", "daily check-in, day 3")
                        .text())
                .isEqualTo("Daily check-in (day 3)");
        assertThat(line("GRANT", 2, 0, 0, "reward:share:7:2026-11-30", "REWARD", "shared")
                        .text())
                .isEqualTo("Share reward");
        assertThat(line("GRANT", 10, 0, 0, "reward:referral:9", "REWARD", "referral reward")
                        .text())
                .isEqualTo("Referral reward: someone you invited made their first purchase");
        assertThat(line("GRANT", 500, 0, 0, "sub:sub_1:2026-11", "SUBSCRIPTION", "pro-monthly credits for 2026-11")
                        .text())
                .isEqualTo("Plan pro-monthly: credits for 2026-11");
        assertThat(line("GRANT", 20, 0, 0, "ops:1", "COMPENSATION", "sorry for the outage")
                        .text())
                .isEqualTo("Compensation: sorry for the outage");
    }

    /** Referral entries as the ledger shows them to the referrer: without the invited user's id or payment. */
    @Test
    void referralEntriesAreDescribedWithoutTheInvitedUser() {
        assertThat(line("GRANT", 10, 0, 0, "reward:referral", "REWARD", "referral reward")
                        .text())
                .isEqualTo("Referral reward: someone you invited made their first purchase");
        assertThat(line(
                                "GRANT",
                                5,
                                0,
                                0,
                                "reward:referral",
                                "REWARD",
                                "referral reward given back (the invited user's refund or dispute was reversed)")
                        .text())
                .isEqualTo(
                        "Referral reward given back: a refund or dispute of the invited user's purchase was reversed");
        assertThat(line(
                                "CLAWBACK",
                                -5,
                                0,
                                0,
                                "reward:referral",
                                null,
                                "referral reward (the invited user's purchase was refunded or disputed)")
                        .text())
                .isEqualTo(
                        "Credits taken back: referral reward (the invited user's purchase was refunded or disputed)");
    }

    @Test
    void generationsShowTheirTaskAndModelAndLinkToTheCreation() {
        HistoryLine hold = line("HOLD", 0, 25, 0, "gen_abc123", null, null);
        assertThat(hold.text()).isEqualTo("Generation gen_abc123 (sora-2): credits held");
        assertThat(hold.taskId()).isEqualTo("gen_abc123");
        assertThat(hold.change()).isEqualTo("25 held");

        HistoryLine capture = line("CAPTURE", -25, -25, 0, "gen_abc123", null, null);
        assertThat(capture.text()).isEqualTo("Generation gen_abc123 (sora-2)");
        assertThat(capture.change()).isEqualTo("−25");

        HistoryLine release = line("RELEASE", 0, -25, 0, "gen_abc123", null, "provider_insufficient_credits");
        // the provider's account ran dry, not the user's: read as "your credits ran out" before
        assertThat(release.text())
                .isEqualTo("Generation gen_abc123 (sora-2): not charged (the generation service was unavailable)");
        assertThat(release.change()).isEqualTo("25 released");
        // failure codes in words, not as codes
        assertThat(line("RELEASE", 0, -25, 0, "gen_abc123", null, "operator_failed")
                        .text())
                .isEqualTo("Generation gen_abc123 (sora-2): not charged (stopped by an operator)");
        assertThat(line("RELEASE", 0, -25, 0, "gen_abc123", null, "deadline_exceeded")
                        .text())
                .isEqualTo("Generation gen_abc123 (sora-2): not charged (it took too long)");
        assertThat(line("RELEASE", 0, -25, 0, "gen_abc123", null, "cancelled").text())
                .isEqualTo("Generation gen_abc123 (sora-2): not charged (you cancelled it)");
        assertThat(line("RELEASE", 0, -25, 0, "gen_abc123", null, "provider_validation")
                        .text())
                .isEqualTo("Generation gen_abc123 (sora-2): not charged (the generation service refused the prompt or"
                        + " input)");
        // a code this release does not know is a generic phrase, never the code
        assertThat(line("RELEASE", 0, -25, 0, "gen_abc123", null, "provider_error")
                        .text())
                .isEqualTo("Generation gen_abc123 (sora-2): not charged (the generation failed)");

        assertThat(line("EXPIRE", 0, -5, 0, "gen_gone", null, "hold deadline passed")
                        .text())
                .isEqualTo("Generation gen_gone: not charged (the hold expired)");
    }

    /**
     * Every code a job can end with (its release's reason): the provider's kinds ({@code provider_…}) and
     * the job engine's own. Each has words of its own, none the generic phrase nor the code.
     */
    @Test
    void everyReasonAJobCanEndWithIsInWordsOfItsOwn() {
        java.util.List<String> codes = new java.util.ArrayList<>(java.util.List.of(
                "operator_failed",
                "deadline_exceeded",
                "cancelled",
                "ACCOUNT_DELETED",
                "provider_unavailable_too_long",
                "provider_task_not_found",
                "provider_no_output",
                "provider_record_without_state",
                "provider_generation_failed",
                "output_refused"));
        for (dev.renderbank.provider.ProviderError.Kind kind : dev.renderbank.provider.ProviderError.Kind.values()) {
            codes.add(new dev.renderbank.provider.ProviderError(kind, 0, "").reasonCode());
        }
        String prefix = "Generation gen_x: not charged (";
        String generic =
                line("RELEASE", 0, -5, 0, "gen_x", null, "no_such_code").text();
        for (String code : codes) {
            String text = line("RELEASE", 0, -5, 0, "gen_x", null, code).text();
            assertThat(text).as(code).startsWith(prefix).endsWith(")").isNotEqualTo(generic);
            String words = text.substring(prefix.length(), text.length() - 1);
            assertThat(words).as(code).isNotEqualToIgnoringCase(code).doesNotContain("_");
        }
    }

    @Test
    void refundsAndDisputesSayCreditsWereTakenBackAndAnyDebt() {
        HistoryLine refund = line("CLAWBACK", -300, 0, 200, "creem:refund:r1:o1", null, "refund r1");
        assertThat(refund.text()).isEqualTo("Refund r1: credits taken back");
        assertThat(refund.change()).isEqualTo("−300 (debt +200)");
        assertThat(line("CLAWBACK", -5, 0, 0, "stripe:dispute:dp1:ch1", null, "dispute dp1")
                        .text())
                .isEqualTo("Dispute dp1: credits taken back");
        assertThat(line("DEBT_WAIVED", 0, 0, -200, "w1", null, "goodwill").text())
                .isEqualTo("Debt waived: goodwill");
        HistoryLine paid = line("DEBT_PAID", -25, 0, -25, "gen_abc123", null, "debt paid from credits that came free");
        assertThat(paid.text()).isEqualTo("Generation gen_abc123 (sora-2): its credits came back and paid debt");
        assertThat(paid.change()).isEqualTo("−25 (debt −25)");
    }

    @Test
    void positiveChangesCarryAPlusAndTheEntrysMoment() {
        HistoryLine grant = line("GRANT", 500, 0, 0, "k", "PURCHASE", "purchase of pack-500");
        assertThat(grant.change()).isEqualTo("+500");
        assertThat(grant.at()).as("the page writes it in the user's zone").isEqualTo(AT);
    }
}
