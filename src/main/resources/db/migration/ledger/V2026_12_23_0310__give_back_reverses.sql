-- What a grant gives back, so that a give-back's key reused for another request is refused like any
-- other reused key (GrantStore): the grants whose clawbacks it reverses, as a sorted set (the ledger
-- reverses the clawbacks of the grants named, whatever their order), and the start of those
-- clawbacks' keys. An ordinary grant gives back nothing: '{}' and ''. Before this release a repeated
-- give-back was compared on its user and amount only and answered as the first, so two give-backs
-- built with the same key lost the second without anyone knowing.
--
-- Rows written before are left null ("not recorded") and compared on user and amount only, as before:
-- the ledger never recorded what a past give-back reversed, and billing's lists of a purchase's grants
-- have grown since (later months), so a backfill would guess. Billing never repeats a give-back key
-- (its own grant table answers a repeat first), so no caller depends on the old rows' answer.
-- Adding nullable columns rewrites nothing; the check is NOT VALID because every existing row is
-- null in both and passes it, so scanning credit_grant under this lock would prove nothing.
alter table credit_grant
    add column reverses_grants text[],
    add column reverses_prefix text,
    add constraint credit_grant_reverses_whole
        check ((reverses_grants is null) = (reverses_prefix is null)) not valid;
