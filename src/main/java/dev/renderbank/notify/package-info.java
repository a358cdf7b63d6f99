/**
 * Notifications: the email outbox, its templates and the SMTP sender ({@link dev.renderbank.notify.Notifier}).
 *
 * <p>Why an email can neither be lost nor sent for a change that rolled back: the business transaction
 * (a purchase's grant, a verification, ...) publishes a {@link dev.renderbank.platform.DurableEvent}, which
 * stores one db-scheduler task row per handler <em>in that transaction</em>. After the commit a handler
 * here turns the event into an outbox row, idempotently ({@code insert ... on conflict (message_key) do
 * nothing}, the key being cause + recipient + channel), so however often the task runs there is one row.
 * The sender task then delivers rows after commit with retries, exponential backoff and a final {@code
 * FAILED} after {@code renderbank.mail.max-attempts}. A crash between the SMTP server's acceptance and
 * the row being marked sent, or a database that fails every try of that mark, can send one email
 * twice; receivers can dedupe on its stable {@code Message-ID}, derived from the key. Operator alerts are forwarded from platform's alert records.
 *
 * <p>Client webhooks ({@link dev.renderbank.notify.Webhooks}, internals in {@code notify.webhooks}) use
 * the same path: durable event handlers write one {@code webhook_delivery} row per (event, endpoint)
 * under a unique key, and a sender task POSTs them signed by the Standard Webhooks scheme, retried for
 * 24 hours. Their URLs are judged by storage's address rules ({@link
 * dev.renderbank.storage.InternetAddresses}) at registration and at every connection.
 *
 * <p>Nothing depends on this module except through events, and ops, whose audited compensation grant
 * queues its email through {@link dev.renderbank.notify.Notifier#compensation} in the grant's transaction.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"platform", "identity", "ledger", "billing", "generation", "catalog", "storage"})
package dev.renderbank.notify;
