package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Api;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * What a referrer sees of the people who signed up through their link is how many and what it
 * paid, never who: the referrer's own credit history (its references and reasons) names neither the
 * invited user's account id nor their email address nor their purchase's payment ids, also after a
 * refund of that purchase took the reward back. Operators keep the full keys (admin views).
 */
class ReferralPrivacyTest extends BillingIntegrationTest {

    @Autowired
    Referrals referrals;

    @Test
    void theReferrersHistoryNamesNothingOfTheInvitedUser() throws Exception {
        UserAccount referrer = newUser(true);
        UserAccount referee = newUser(true);
        referrals.recordReferral(referee.id(), referrer.id());
        String order = id("ord");
        String refund = id("ref");
        creem(creemCheckout(id("evt"), order, referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referrer)).as("the reward was paid").isEqualTo(10);
        creem(creemRefund(id("evt"), refund, order, 495)); // half of it goes back, and half the reward

        String token = users.issueToken(referrer.id(), "test");
        Api.Response r = new Api(port).get("/api/v1/credits/history", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode items = r.json().get("items");
        assertThat(items.size()).as(r.body()).isEqualTo(2); // the reward, and its clawback

        Pattern refereeId = Pattern.compile("(?<![0-9])" + referee.id() + "(?![0-9])");
        for (JsonNode item : items) {
            for (String field : new String[] {"reference", "reason"}) {
                String text = item.get(field).isNull() ? "" : item.get(field).asString();
                assertThat(refereeId.matcher(text).find())
                        .as("%s of %s names the invited user's account id %d", field, item, referee.id())
                        .isFalse();
                assertThat(text).as(field).doesNotContain(order).doesNotContain(refund);
            }
        }
        assertThat(r.body())
                .doesNotContain(referee.email())
                .doesNotContain(order)
                .doesNotContain(refund);
        assertThat(items.get(0).get("kind").asString()).isEqualTo("CLAWBACK");
        assertThat(items.get(0).get("reason").asString()).contains("referral");
        assertThat(items.get(1).get("reference").asString()).startsWith("reward:referral");
    }
}
