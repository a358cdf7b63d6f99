package dev.renderbank.identity;

import java.util.List;

/**
 * Told, in the transaction that creates an account (the sign-up form, or {@link Users#create}), which
 * deleted accounts had the same mailbox (every alias and spelling of one inbox: {@code a.b+x@gmail.com}
 * is {@code ab@googlemail.com}) and are still remembered ({@code renderbank.retention.deleted-account-debts}),
 * oldest first. The ledger implements it: the new account starts owing what they owed. Identity
 * cannot call the ledger (which depends on it), hence this interface; an implementation that throws
 * fails the account's creation.
 */
public interface NewAccountOfMailbox {

    void opened(long userId, List<Long> deletedAccounts);
}
