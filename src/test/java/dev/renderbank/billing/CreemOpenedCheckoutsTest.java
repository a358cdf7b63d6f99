package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.creem.CreemSignature;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Only a checkout renderbank opened grants anything, for the user it was opened for. A Creem store can
 * have several webhook endpoints (another application, another deployment, a payment link), and its
 * events name no application: the user id or email an event's metadata or customer names is anyone's.
 */
class CreemOpenedCheckoutsTest extends BillingIntegrationTest {

    /** Signed and sent as it is: no checkout is opened for it first. */
    private HttpResponse<String> asSent(String event) throws Exception {
        return postCreem(event, CreemSignature.sign(event.getBytes(StandardCharsets.UTF_8), CREEM_SECRET));
    }

    @Test
    void aCheckoutRenderbankNeverOpenedGrantsNothingWhateverItsMetadataSays() throws Exception {
        UserAccount u = newUser();
        String evt = id("evt");
        HttpResponse<String> answer = asSent(creemCheckout(evt, id("ord"), u.id(), "prod_local_pack-200", 990));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(eventStatus("creem", evt)).isEqualTo("IGNORED");
        assertThat(available(u)).isZero();
    }

    @Test
    void anOpenedCheckoutGrantsItsOwnUserNotTheOneItsMetadataNames() throws Exception {
        UserAccount buyer = newUser();
        UserAccount named = newUser();
        String order = id("ord");
        // opened for the buyer; the event's metadata names someone else
        OpenedCheckouts.forCreemEvent(
                jdbc, "creem", creemCheckout(id("evt"), order, buyer.id(), "prod_local_pack-200", 990));
        String evt = id("evt");
        asSent(creemCheckout(evt, order, named.id(), "prod_local_pack-200", 990));
        assertThat(eventStatus("creem", evt)).isEqualTo("PROCESSED");
        assertThat(available(buyer)).isEqualTo(200);
        assertThat(available(named)).isZero();
    }

    @Test
    void aSubscriptionPaymentNamingNoCheckoutRenderbankOpenedGrantsNothing() throws Exception {
        UserAccount u = newUser();
        Instant start = clock.instant();
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String evt = id("evt");
        asSent(CreemSubscriptionTest.paid(
                evt, id("sub"), u.id(), "prod_local_pro-monthly", id("tran"), start, end, start));
        assertThat(eventStatus("creem", evt)).isEqualTo("FAILED");
        assertThat(available(u)).isZero();
    }

    @Test
    void aRecordedSubscriptionPaysItsOwnUserNotTheOneItsMetadataNames() throws Exception {
        UserAccount subscriber = newUser();
        UserAccount named = newUser();
        String sub = id("sub");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        creem(CreemSubscriptionTest.paid(
                id("evt"), sub, subscriber.id(), "prod_local_pro-monthly", id("tran"), start, next, start));
        assertThat(available(subscriber)).isEqualTo(500);

        clock.advance(java.time.Duration.between(start, next).plusMinutes(1));
        String renewal = id("evt");
        asSent(CreemSubscriptionTest.paid(
                renewal, sub, named.id(), "prod_local_pro-monthly", id("tran"), next, after, next));
        assertThat(eventStatus("creem", renewal)).isEqualTo("PROCESSED");
        assertThat(available(subscriber)).isEqualTo(1000);
        assertThat(available(named)).isZero();
    }
}
