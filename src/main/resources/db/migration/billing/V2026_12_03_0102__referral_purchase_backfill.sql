-- Referral rewards paid before V2026_12_02_0301 name no purchase (billing_referral.purchase_id is null)
-- and have no billing_referral_grant row, so refunds and disputes of the purchase that earned them
-- never took them back. Their ledger grant names the referee only (key 'reward:referral:<referee>',
-- reference 'user:<referee>'), not the purchase. The purchase is found from billing's own rows: the
-- reward was granted in the transaction of the referee's first purchase, after that purchase was
-- recorded (its created_at is at or before rewarded_at, both from the same clock), and a purchase
-- recorded after that transaction committed is later than rewarded_at. So when exactly one of the
-- referee's purchases was created at or before rewarded_at, it is the one. When several were (two
-- first purchases at once, or clocks of several nodes apart), which of them earned the reward is not
-- known: those rewards stay unlinked and are not adjusted (docs/API.md, reward rules).
-- Linking writes what the referral code writes for a reward it pays: the purchase, the reward (when
-- it was not recorded yet), and the grant, with what the ledger already clawed back of it.
with candidate as (
    select r.referee_id, min(p.id) as purchase_id
      from billing_referral r
      join billing_purchase p on p.user_id = r.referee_id and p.created_at <= r.rewarded_at
     where r.rewarded_at is not null and r.purchase_id is null
     group by r.referee_id
    having count(*) = 1
), linked as (
    update billing_referral r
       set purchase_id = c.purchase_id, reward = coalesce(r.reward, g.amount), clawed = g.clawed_back
      from candidate c, credit_grant g
     where r.referee_id = c.referee_id
       and g.grant_key = 'reward:referral:' || r.referee_id
       and g.user_id = r.referrer_id
       and not exists (select 1 from billing_referral x where x.purchase_id = c.purchase_id)
    returning r.referee_id, g.grant_key, g.amount, g.created_at
)
insert into billing_referral_grant (grant_key, referee_id, amount, created_at)
select grant_key, referee_id, amount, created_at from linked;
