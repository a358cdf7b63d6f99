package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refund that takes credits back tells the user once, with what was taken and why. */
class ClawbackMailTest extends BillingIntegrationTest {

    @Test
    void aRefundThatTakesCreditsBackQueuesOneClawbackEmail() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        String refundId = id("ref");
        String refund = creemRefund(id("evt"), refundId, order, 990);
        creem(refund);
        creem(refund); // a redelivered webhook: no second email

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(clawbackMails(u)).hasSize(1));
        String body = jdbc.sql("select body_text from mail_outbox where user_id = ? and template = 'clawback'")
                .param(u.id())
                .query(String.class)
                .single();
        assertThat(body).contains("200 credits were taken back").contains(refundId);
        assertThat(available(u)).isZero();
    }

    @Test
    void aRefundOfCreditsAlreadyTakenBackSendsNothingMore() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        creem(creemRefund(id("evt"), id("ref"), order, 990));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(clawbackMails(u)).hasSize(1));
        // a second, different refund of the same order finds nothing left to take back
        String second = id("evt");
        creem(creemRefund(second, id("ref"), order, 990));
        assertThat(eventStatus("creem", second)).isEqualTo("PROCESSED");
        long purchaseMails = jdbc.sql("select count(*) from mail_outbox where user_id = ? and template = 'purchase'")
                .param(u.id())
                .query(Long.class)
                .single();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(clawbackMails(u)).hasSize(1));
        assertThat(purchaseMails).isEqualTo(1);
    }

    @Test
    void eachOfTwoRefundsThatTakeCreditsBackSendsItsOwnEmail() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        creem(creemRefund(id("evt"), id("ref"), order, 248)); // 200 * 248/990 = 50.1: 50 back
        creem(creemRefund(id("evt"), id("ref"), order, 495)); // 743 of 990 in all: 150, so 100 more

        assertThat(available(u)).isEqualTo(50);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(jdbc.sql(
                                        "select body_text from mail_outbox where user_id = ? and template = 'clawback'")
                                .param(u.id())
                                .query(String.class)
                                .list())
                        .satisfiesExactlyInAnyOrder(
                                b -> assertThat(b).contains("50 credits were taken back"),
                                b -> assertThat(b).contains("100 credits were taken back")));
    }

    @Test
    void aRefundTooSmallToTakeAWholeCreditIsProcessedTakesNothingAndSendsNothing() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        // 4 of 990 is 0.8 of the pack's 200 credits: the purchase stays entitled to all 200
        String refund = id("evt");
        creem(creemRefund(refund, id("ref"), order, 4));

        assertThat(eventStatus("creem", refund)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from ledger_entry where user_id = ? and kind = 'CLAWBACK'")
                        .param(u.id())
                        .query(Long.class)
                        .single())
                .isZero();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(clawbackMails(u)).isEmpty());
    }

    private List<String> clawbackMails(UserAccount u) {
        return jdbc.sql("select message_key from mail_outbox where user_id = ? and template = 'clawback'")
                .param(u.id())
                .query(String.class)
                .list();
    }
}
