-- A closed account keeps no credits: every grant to it is forfeited as it lands (GrantStore), and
-- the forfeit at deletion closes it and takes its balance in one transaction (Forfeits). But
-- V2026_12_02_0300 closed the accounts of users deleted before it as they stood, and one of them
-- could hold credits that landed after its forfeit (a late payment or an operator's grant: nothing
-- refused or forfeited those then); its forfeit has run, so nothing would ever take them. Forfeit
-- them now, each with its FORFEIT entry under the deletion's forfeit key, as Forfeits does. Only
-- accounts without holds were closed, so none is held here.
with old as (select user_id, balance from credit_account
              where closed_at is not null and held = 0 and balance > 0 for no key update),
upd as (update credit_account a set balance = a.balance - old.balance
          from old where a.user_id = old.user_id
        returning a.user_id, old.balance as taken)
insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, reason, created_at)
select user_id, 'FORFEIT', taken, -taken, 0, 0, 'forfeit:' || user_id,
       'account deleted by its owner: credits that landed after its forfeit', now()
  from upd;
