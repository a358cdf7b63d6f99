package dev.renderbank.billing;

import dev.renderbank.billing.core.DeletedAccountEvents;
import dev.renderbank.billing.core.PersonalFields;
import dev.renderbank.billing.db.EventPersonalData;
import dev.renderbank.billing.db.EventPersonalData.Payload;
import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A deleted account's personal data in the stored payment webhooks: the providers send back the
 * buyer's address, name, phone and postal address (Creem's {@code customer}, Stripe's {@code
 * customer_details}, {@code billing_details}, {@code customer_email} …), and the raw payloads are kept
 * for the books and for reprocessing. The payment records stay; these fields of the account's events
 * ({@link EventPersonalData#naming}) become {@value PersonalFields#ERASED} ({@link PersonalFields}). Ids,
 * amounts, currencies, statuses and metadata stay, so an event can still be read, reprocessed and
 * reconciled. Idempotent: a retry finds nothing left to erase. An event that arrives after this ran is
 * erased when it is stored or applied ({@link DeletedAccountEvents}).
 */
@Component
class AccountDeletedPaymentRecords implements DurableEventHandler<AccountDeleted> {

    private static final Logger log = LoggerFactory.getLogger(AccountDeletedPaymentRecords.class);

    private final EventPersonalData events;
    private final DeletedAccountEvents erasure;

    AccountDeletedPaymentRecords(EventPersonalData events, DeletedAccountEvents erasure) {
        this.events = events;
        this.erasure = erasure;
    }

    @Override
    public String name() {
        return "billing.account-deleted-payment-records";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        int erased = 0;
        for (Payload p : events.naming(events.marks(event.userId()))) {
            if (erasure.erase(p)) {
                erased++;
            }
        }
        log.info("account {} deleted: personal data erased from {} stored payment event(s)", event.userId(), erased);
    }
}
