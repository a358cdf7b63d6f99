package dev.renderbank.billing;

import static dev.renderbank.billing.CreemWebhookTest.taxedDispute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.DebtWaived;
import dev.renderbank.ledger.LedgerEntry;
import dev.renderbank.ledger.ReserveResult;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A debt is the mailbox's, as the sign-up bonus is: what a deleted account owes, or comes to owe when
 * a refund or dispute of its purchase lands after the deletion, is owed by the next account of its
 * mailbox from the moment it exists ("debt carried from a deleted account"); operators waive it as any
 * debt, and a dispute of the purchase won later cancels it once.
 */
class DebtCarriedToNewAccountTest extends BillingIntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    AccountDeletion deletion;

    @Autowired
    dev.renderbank.identity.Accounts accounts;

    @Test
    void whatADeletedAccountOwedIsOwedByTheNextAccountOfItsMailboxUntilAnOperatorWaivesIt() throws Exception {
        String mailbox = "mia" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount first = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        Bought pack = buyAndSpend(first);
        creem(creemRefund(id("evt"), id("ref"), pack.order(), 990));
        assertThat(ledger.balance(first.id()).debt()).isEqualTo(200);
        delete(first);

        UserAccount next = users.create(mailbox + "+again@example.com", PASSWORD, Role.USER, true);

        assertThat(ledger.balance(next.id()).debt()).isEqualTo(200);
        assertThat(ledger.balance(first.id()).debt()).as("carried, not copied").isZero();
        assertThat(ledger.history(next.id(), null, 10).items())
                .extracting(LedgerEntry::reason)
                .contains("debt carried from a deleted account");
        assertThat(ledger.reserve(next.id(), 5, id("job"), Duration.ofMinutes(5)))
                .as("no generation while it owes")
                .isEqualTo(new ReserveResult.InsufficientCredits(5, 0, 200));
        assertThat(ledger.checkInvariants().violations()).isEmpty();

        DebtWaived waived = ledger.waiveDebt(next.id(), 200, id("waive"), "ops@example.com", "goodwill");
        assertThat(waived.waived()).isEqualTo(200);
        assertThat(ledger.balance(next.id()).debt()).isZero();
        UserAccount third = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        assertThat(ledger.balance(third.id()).debt()).as("carried once").isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anAccountSignedUpThroughTheFormUnderAnotherSpellingOfTheMailboxStartsOwingIt() throws Exception {
        String local = "li" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount first = users.create(local + "@gmail.com", PASSWORD, Role.USER, true);
        Bought pack = buyAndSpend(first);
        creem(creemRefund(id("evt"), id("ref"), pack.order(), 990));
        delete(first);

        String again = local.charAt(0) + "." + local.substring(1) + "+x@googlemail.com";
        assertThat(accounts.signUp(
                        again, "another-long-password-456", null, "198.51.100." + (1 + (int) (Math.random() * 200))))
                .isInstanceOf(dev.renderbank.identity.Accounts.SignUpResult.Accepted.class);

        UserAccount next = users.byEmail(again).orElseThrow();
        assertThat(ledger.balance(next.id()).debt()).isEqualTo(200);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aRefundLandingAfterTheDeletionIsOwedByTheAccountTheMailboxOpenedMeanwhile() throws Exception {
        String mailbox = "zoe" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount first = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        Bought pack = buyAndSpend(first);
        delete(first);
        UserAccount next = users.create(mailbox + "+new@example.com", PASSWORD, Role.USER, true);
        assertThat(ledger.balance(next.id()).debt()).isZero();

        creem(creemRefund(id("evt"), id("ref"), pack.order(), 990));

        assertThat(ledger.balance(next.id()).debt()).isEqualTo(200);
        assertThat(ledger.balance(first.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void eachRefundLandingAfterTheDeletionAddsItsDebtToTheAccountTheMailboxOpenedMeanwhile() throws Exception {
        String mailbox = "eve" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount first = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        Bought one = buyAndSpend(first);
        Bought two = buyAndSpend(first);
        delete(first);
        UserAccount next = users.create(mailbox + "+new@example.com", PASSWORD, Role.USER, true);

        String refundOne = id("evt");
        creem(creemRefund(refundOne, id("ref"), one.order(), 990));
        assertThat(eventStatus("creem", refundOne)).isEqualTo("PROCESSED");
        assertThat(ledger.balance(next.id()).debt()).isEqualTo(200);
        String refundTwo = id("evt");
        String secondRefund = creemRefund(refundTwo, id("ref"), two.order(), 990);
        creem(secondRefund);

        assertThat(eventStatus("creem", refundTwo)).isEqualTo("PROCESSED");
        assertThat(ledger.balance(next.id()).debt()).isEqualTo(400);
        assertThat(ledger.balance(first.id()).debt()).isZero();
        creem(secondRefund);
        assertThat(ledger.balance(next.id()).debt())
                .as("a replay carries nothing more")
                .isEqualTo(400);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aDisputeWonAfterItsDebtWasCarriedCancelsTheCarriedDebtOnce() throws Exception {
        String mailbox = "kai" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount first = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        Bought pack = buyAndSpend(first);
        String dispute = id("disp");
        creem(taxedDispute(id("evt"), dispute, pack.order(), 990, 990));
        assertThat(ledger.balance(first.id()).debt()).isEqualTo(200);
        delete(first);
        UserAccount next = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        assertThat(ledger.balance(next.id()).debt()).isEqualTo(200);

        String admin = newAdminToken();
        assertThat(close(admin, dispute, "won").statusCode()).isEqualTo(200);
        close(admin, dispute, "won"); // a repeat closes nothing more
        ledger.grant(next.id(), 50, dev.renderbank.ledger.GrantSource.ADMIN, id("grant"), null, "check");

        assertThat(ledger.balance(next.id()).debt()).isZero();
        assertThat(ledger.balance(next.id()).available())
                .as("cancelled once, not credited: a grant after it is all there")
                .isEqualTo(50);
        assertThat(ledger.balance(first.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aDisputeWonBeforeTheMailboxSignsUpAgainLeavesItNothingToCarry() throws Exception {
        String mailbox = "ada" + UUID.randomUUID().toString().substring(0, 8);
        UserAccount first = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        Bought pack = buyAndSpend(first);
        delete(first);
        String dispute = id("disp");
        creem(taxedDispute(id("evt"), dispute, pack.order(), 990, 990));
        assertThat(ledger.balance(first.id()).debt())
                .as("the deleted account owes it")
                .isEqualTo(200);

        assertThat(close(newAdminToken(), dispute, "won").statusCode()).isEqualTo(200);

        assertThat(ledger.balance(first.id()).debt()).isZero();
        UserAccount next = users.create(mailbox + "@example.com", PASSWORD, Role.USER, true);
        assertThat(ledger.balance(next.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    record Bought(UserAccount user, String order) {}

    /** A pack-200 bought at Creem for 990, all of it spent. */
    Bought buyAndSpend(UserAccount u) throws Exception {
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        String job = id("job");
        assertThat(ledger.reserve(u.id(), 200, job, Duration.ofMinutes(5))).isInstanceOf(ReserveResult.Reserved.class);
        ledger.capture(job);
        assertThat(available(u)).isZero();
        return new Bought(u, order);
    }

    void delete(UserAccount u) {
        assertThat(deletion.delete(u.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);
    }

    String newAdminToken() {
        UserAccount a = users.create("ops-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.ADMIN, true);
        return users.issueToken(a.id(), "test");
    }

    HttpResponse<String> close(String token, String disputeId, String outcome) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/api/v1/admin/disputes/" + disputeId + "/close"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"outcome\":\"" + outcome + "\",\"reason\":\"Creem shows it " + outcome + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
