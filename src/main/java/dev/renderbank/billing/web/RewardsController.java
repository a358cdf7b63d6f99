package dev.renderbank.billing.web;

import dev.renderbank.billing.RewardStatus;
import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RewardsController {

    private final Rewards rewards;

    RewardsController(Rewards rewards) {
        this.rewards = rewards;
    }

    record RewardView(boolean granted, long credits, int streak, String reason) {}

    /** {@code {streak, checkedInToday, referralCode, referralUrl, referred, earned, terms}} of the caller. */
    @GetMapping("/api/v1/rewards")
    RewardStatus status(@AuthenticationPrincipal CurrentUser user) {
        return rewards.status(user.id());
    }

    @ApiResponse(
            responseCode = "200",
            description =
                    "Granted today's check-in (with the streak), or granted:false with the reason when already checked"
                            + " in; 409 problem reward-taken-by-mailbox when another account of the caller's"
                            + " email inbox had today's; 403 problem email-not-verified while the caller's address"
                            + " is not verified",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RewardView.class)))
    @PostMapping("/api/v1/rewards/check-in")
    ResponseEntity<?> checkIn(@AuthenticationPrincipal CurrentUser user) {
        return view(rewards.checkIn(user.id()), "already checked in today");
    }

    @ApiResponse(
            responseCode = "200",
            description = "Granted the share reward, or granted:false with the reason when already rewarded today;"
                    + " 409 problem reward-taken-by-mailbox when another account of the caller's email inbox had"
                    + " today's; 403 problem email-not-verified while the caller's address is not verified",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RewardView.class)))
    @PostMapping("/api/v1/rewards/share")
    ResponseEntity<?> share(@AuthenticationPrincipal CurrentUser user) {
        return view(rewards.share(user.id()), "already rewarded for sharing today");
    }

    /** Repeats are 200 with {@code granted:false}: asking twice is not an error, it just grants nothing. */
    private static ResponseEntity<?> view(RewardResult r, String already) {
        if (r instanceof RewardResult.Granted g) {
            return ResponseEntity.ok(new RewardView(true, g.credits(), g.streak(), null));
        }
        if (r instanceof RewardResult.AlreadyGranted a) {
            return ResponseEntity.ok(new RewardView(false, 0, a.streak(), already));
        }
        if (r instanceof RewardResult.EmailNotVerified) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(
                            HttpStatus.FORBIDDEN,
                            "email-not-verified",
                            "Email address not verified",
                            "Rewards are for verified accounts: open the link in the verification email we sent"
                                    + " when you signed up, then try again."));
        }
        if (r instanceof RewardResult.TakenByMailbox taken) {
            // not "already" for this account: it never had it, so say whose and why
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(
                            HttpStatus.CONFLICT,
                            "reward-taken-by-mailbox",
                            "Already collected today by another account of your email inbox",
                            (taken.reward().equals("check-in") ? "Today's check-in" : "Today's share reward")
                                    + " was already collected by another account of the same email inbox (another"
                                    + " spelling of your address, such as name+tag@… or, at Gmail, with or"
                                    + " without dots, or an account of it that was deleted). Daily rewards are"
                                    + " paid once a day per inbox, whichever account asks: come back tomorrow."));
        }
        if (r instanceof RewardResult.Refused refused) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(HttpStatus.FORBIDDEN, "reward-refused", "Reward refused", refused.reason()));
        }
        throw new IllegalStateException("unexpected reward result " + r);
    }
}
