-- Schema and data of the release d8b5bda8 (2026-12-07; Flyway 2026.12.23.0900), dumped with
-- pg_dump --inserts --no-owner after a real run against an empty PostgreSQL 15: demo users seeded;
-- alice@example.com signed up, verified, signed in through /login (login_device), 6 failed sign-ins
-- of hers and 2 of an unknown address (login_throttle_account), a forgot-password request
-- (request_limit), an API token, a webhook endpoint (failing), pack-500 and pro-monthly paid through
-- the simulated checkout, pack-200 left open, one flux-dev image each for her and demo. pg_dump's
-- \restrict/\unrestrict lines (psql meta-commands) removed. Loaded by UpgradeFromPreviousReleaseTest.
-- Never edit.
--
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app_user_email_key_default(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_user_email_key_default() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    if tg_op = 'INSERT' and new.email_key is null
       or tg_op = 'UPDATE' and new.email is distinct from old.email and new.email_key = old.email_key then
        new.email_key := lower(new.email collate "C");
        new.email_key_version := 0;
    end if;
    return new;
end $$;


--
-- Name: generation_job_notify_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.generation_job_notify_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    perform pg_notify('generation_job_changed', new.id);
    return null;
end
$$;


--
-- Name: ledger_entry_immutable(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_entry_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    raise exception 'ledger_entry is append-only';
end $$;


--
-- Name: ledger_expect(boolean, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_expect(ok boolean, failure text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
begin
    if not ok then
        raise exception 'ledger: %', failure;
    end if;
    return true;
end $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: api_token; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_token (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    token_hash bytea NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone
);


--
-- Name: api_token_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_token_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_token_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_token_id_seq OWNED BY public.api_token.id;


--
-- Name: app_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.app_user (
    id bigint NOT NULL,
    email text NOT NULL,
    password_hash text NOT NULL,
    display_name text,
    role text NOT NULL,
    email_verified boolean DEFAULT false NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    must_change_password boolean DEFAULT false NOT NULL,
    deleted_at timestamp with time zone,
    email_key text NOT NULL,
    email_key_version smallint DEFAULT 0 NOT NULL,
    recoveries bigint DEFAULT 0 NOT NULL,
    CONSTRAINT app_user_recoveries_check CHECK ((recoveries >= 0)),
    CONSTRAINT app_user_role_check CHECK ((role = ANY (ARRAY['USER'::text, 'ADMIN'::text])))
);


--
-- Name: COLUMN app_user.email_key; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.app_user.email_key IS 'canonical form of email (EmailKeys.of: NFC, simple case folding), unique; email keeps the address as typed';


--
-- Name: COLUMN app_user.email_key_version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.app_user.email_key_version IS 'EmailKeys.VERSION that computed email_key; 0: computed in SQL (ASCII only) or unknown, re-keyed at the next start';


--
-- Name: app_user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.app_user_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: app_user_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.app_user_id_seq OWNED BY public.app_user.id;


--
-- Name: billing_checkin; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_checkin (
    user_id bigint NOT NULL,
    day date NOT NULL,
    streak integer NOT NULL,
    kind text DEFAULT 'check-in'::text NOT NULL,
    given_at timestamp with time zone,
    CONSTRAINT billing_checkin_kind_check CHECK ((kind = ANY (ARRAY['check-in'::text, 'share'::text]))),
    CONSTRAINT billing_checkin_streak_check CHECK ((streak > 0))
);


--
-- Name: billing_checkout; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_checkout (
    id text NOT NULL,
    user_id bigint NOT NULL,
    product text NOT NULL,
    provider text NOT NULL,
    idempotency_key text,
    url text,
    provider_ref text,
    status text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    offered_credits bigint,
    offered_price_minor bigint,
    offered_currency text,
    CONSTRAINT billing_checkout_offer_whole CHECK ((((offered_credits IS NULL) AND (offered_price_minor IS NULL) AND (offered_currency IS NULL)) OR ((offered_credits IS NOT NULL) AND (offered_price_minor IS NOT NULL) AND (offered_currency IS NOT NULL)))),
    CONSTRAINT billing_checkout_offered_credits_check CHECK ((offered_credits > 0)),
    CONSTRAINT billing_checkout_offered_price_minor_check CHECK ((offered_price_minor > 0)),
    CONSTRAINT billing_checkout_status_check CHECK ((status = ANY (ARRAY['PENDING'::text, 'OPEN'::text, 'COMPLETED'::text])))
);


--
-- Name: billing_checkout_rate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_checkout_rate (
    user_id bigint NOT NULL,
    window_start timestamp with time zone NOT NULL,
    calls integer NOT NULL,
    CONSTRAINT billing_checkout_rate_calls_check CHECK ((calls > 0))
);


--
-- Name: billing_dispute; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_dispute (
    provider text NOT NULL,
    dispute_id text NOT NULL,
    purchase_id bigint,
    status text NOT NULL,
    clawed bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    amount_minor bigint DEFAULT 0 NOT NULL,
    charge_share_minor bigint,
    charge_minor bigint,
    CONSTRAINT billing_dispute_amount_minor_check CHECK ((amount_minor >= 0)),
    CONSTRAINT billing_dispute_status_check CHECK ((status = ANY (ARRAY['INQUIRY'::text, 'INQUIRY_CLOSED'::text, 'OPEN'::text, 'WON'::text, 'LOST'::text])))
);


--
-- Name: billing_invoice_payment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_invoice_payment (
    provider text NOT NULL,
    invoice_id text NOT NULL,
    ref text NOT NULL
);


--
-- Name: billing_purchase; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_purchase (
    id bigint NOT NULL,
    purchase_key text NOT NULL,
    provider text NOT NULL,
    user_id bigint NOT NULL,
    product text NOT NULL,
    credits bigint NOT NULL,
    amount_minor bigint NOT NULL,
    currency text NOT NULL,
    granted bigint DEFAULT 0 NOT NULL,
    clawed bigint DEFAULT 0 NOT NULL,
    refunded_minor bigint DEFAULT 0 NOT NULL,
    disputed boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone NOT NULL,
    disputed_minor bigint DEFAULT 0 NOT NULL,
    unused_handed_on bigint DEFAULT 0 NOT NULL,
    unused_kept bigint DEFAULT 0 NOT NULL,
    switch_clawed bigint DEFAULT 0 NOT NULL,
    months_cut bigint DEFAULT 0 NOT NULL,
    refund_answers bigint DEFAULT 0 NOT NULL,
    CONSTRAINT billing_purchase_amount_minor_check CHECK ((amount_minor >= 0)),
    CONSTRAINT billing_purchase_check CHECK (((unused_kept >= 0) AND (unused_kept <= unused_handed_on))),
    CONSTRAINT billing_purchase_check1 CHECK (((switch_clawed >= 0) AND (switch_clawed <= clawed))),
    CONSTRAINT billing_purchase_clawed_check CHECK ((clawed >= 0)),
    CONSTRAINT billing_purchase_credits_check CHECK ((credits >= 0)),
    CONSTRAINT billing_purchase_disputed_minor_check CHECK ((disputed_minor >= 0)),
    CONSTRAINT billing_purchase_granted_check CHECK ((granted >= 0)),
    CONSTRAINT billing_purchase_months_cut_check CHECK ((months_cut >= 0)),
    CONSTRAINT billing_purchase_refund_answers_check CHECK ((refund_answers >= 0)),
    CONSTRAINT billing_purchase_refunded_minor_check CHECK ((refunded_minor >= 0)),
    CONSTRAINT billing_purchase_unused_handed_on_check CHECK ((unused_handed_on >= 0))
);


--
-- Name: billing_purchase_grant; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_purchase_grant (
    grant_key text NOT NULL,
    purchase_id bigint NOT NULL,
    amount bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT billing_purchase_grant_amount_check CHECK ((amount > 0))
);


--
-- Name: billing_purchase_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.billing_purchase_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: billing_purchase_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.billing_purchase_id_seq OWNED BY public.billing_purchase.id;


--
-- Name: billing_purchase_ref; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_purchase_ref (
    provider text NOT NULL,
    ref text NOT NULL,
    purchase_id bigint NOT NULL
);


--
-- Name: billing_referral; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_referral (
    referee_id bigint NOT NULL,
    referrer_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    rewarded_at timestamp with time zone,
    reward bigint,
    purchase_id bigint,
    clawed bigint DEFAULT 0 NOT NULL,
    CONSTRAINT billing_referral_check CHECK ((referee_id <> referrer_id)),
    CONSTRAINT billing_referral_clawed_check CHECK ((clawed >= 0)),
    CONSTRAINT billing_referral_reward_check CHECK ((reward >= 0))
);


--
-- Name: billing_referral_code; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_referral_code (
    user_id bigint NOT NULL,
    code text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT billing_referral_code_code_check CHECK ((code ~ '^[a-z0-9]{8,32}$'::text))
);


--
-- Name: billing_referral_grant; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_referral_grant (
    id bigint NOT NULL,
    grant_key text NOT NULL,
    referee_id bigint NOT NULL,
    amount bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT billing_referral_grant_amount_check CHECK ((amount > 0))
);


--
-- Name: billing_referral_grant_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.billing_referral_grant_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: billing_referral_grant_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.billing_referral_grant_id_seq OWNED BY public.billing_referral_grant.id;


--
-- Name: billing_refund; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_refund (
    provider text NOT NULL,
    refund_id text NOT NULL,
    purchase_id bigint NOT NULL,
    cumulative bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    refund_minor bigint,
    charge_minor bigint
);


--
-- Name: billing_signup_bonus_wait; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_signup_bonus_wait (
    user_id bigint NOT NULL,
    since timestamp with time zone NOT NULL
);


--
-- Name: billing_subscription; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_subscription (
    provider text NOT NULL,
    subscription_id text NOT NULL,
    user_id bigint NOT NULL,
    product text NOT NULL,
    status text NOT NULL,
    period_end timestamp with time zone,
    ends_at timestamp with time zone,
    status_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    ended_at_once boolean DEFAULT false NOT NULL
);


--
-- Name: billing_subscription_period; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_subscription_period (
    purchase_id bigint NOT NULL,
    provider text NOT NULL,
    subscription_id text NOT NULL,
    period_start timestamp with time zone NOT NULL,
    period_end timestamp with time zone NOT NULL,
    monthly_credits bigint NOT NULL,
    months integer NOT NULL,
    months_granted integer DEFAULT 0 NOT NULL,
    next_grant_at timestamp with time zone,
    first_month_less bigint DEFAULT 0 NOT NULL,
    first_month_note text,
    unused_time_credited boolean DEFAULT false NOT NULL,
    unused_share_taken boolean DEFAULT false NOT NULL,
    unused_credited_end timestamp with time zone,
    CONSTRAINT billing_subscription_period_first_month_less_check CHECK ((first_month_less >= 0)),
    CONSTRAINT billing_subscription_period_monthly_credits_check CHECK ((monthly_credits > 0)),
    CONSTRAINT billing_subscription_period_months_check CHECK (((months >= 1) AND (months <= 12)))
);


--
-- Name: credit_account; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.credit_account (
    user_id bigint NOT NULL,
    balance bigint DEFAULT 0 NOT NULL,
    held bigint DEFAULT 0 NOT NULL,
    debt bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    CONSTRAINT credit_account_available_nonneg CHECK ((held <= balance)),
    CONSTRAINT credit_account_balance_nonneg CHECK ((balance >= 0)),
    CONSTRAINT credit_account_debt_nonneg CHECK ((debt >= 0)),
    CONSTRAINT credit_account_held_nonneg CHECK ((held >= 0))
);


--
-- Name: credit_clawback; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.credit_clawback (
    id bigint NOT NULL,
    clawback_key text NOT NULL,
    grant_id bigint NOT NULL,
    user_id bigint NOT NULL,
    requested bigint NOT NULL,
    applied bigint NOT NULL,
    taken bigint NOT NULL,
    debt_added bigint NOT NULL,
    reason text,
    created_at timestamp with time zone NOT NULL,
    debt_paid bigint DEFAULT 0 NOT NULL,
    debt_waived bigint DEFAULT 0 NOT NULL,
    waiver_restored bigint DEFAULT 0 NOT NULL,
    CONSTRAINT credit_clawback_applied_check CHECK ((applied >= 0)),
    CONSTRAINT credit_clawback_debt_added_check CHECK ((debt_added >= 0)),
    CONSTRAINT credit_clawback_debt_attributed CHECK (((debt_paid >= 0) AND (debt_waived >= 0) AND ((debt_paid + debt_waived) <= debt_added))),
    CONSTRAINT credit_clawback_requested_check CHECK ((requested > 0)),
    CONSTRAINT credit_clawback_restored_bounded CHECK (((waiver_restored >= 0) AND (waiver_restored <= debt_waived))),
    CONSTRAINT credit_clawback_taken_check CHECK ((taken >= 0))
);


--
-- Name: credit_clawback_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.credit_clawback_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: credit_clawback_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.credit_clawback_id_seq OWNED BY public.credit_clawback.id;


--
-- Name: credit_grant; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.credit_grant (
    id bigint NOT NULL,
    grant_key text NOT NULL,
    user_id bigint NOT NULL,
    amount bigint NOT NULL,
    source text NOT NULL,
    reference text,
    reason text,
    actor text,
    paid_debt bigint DEFAULT 0 NOT NULL,
    clawed_back bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    forgiven bigint DEFAULT 0 NOT NULL,
    reverses_grants text[],
    reverses_prefix text,
    CONSTRAINT credit_grant_amount_check CHECK ((amount > 0)),
    CONSTRAINT credit_grant_clawback_bounded CHECK ((clawed_back <= amount)),
    CONSTRAINT credit_grant_clawed_back_check CHECK ((clawed_back >= 0)),
    CONSTRAINT credit_grant_forgiven_bounded CHECK (((forgiven >= 0) AND ((forgiven + paid_debt) <= amount))),
    CONSTRAINT credit_grant_paid_debt_check CHECK ((paid_debt >= 0)),
    CONSTRAINT credit_grant_source_check CHECK ((source = ANY (ARRAY['PURCHASE'::text, 'SUBSCRIPTION'::text, 'SIGNUP'::text, 'REWARD'::text, 'ADMIN'::text, 'COMPENSATION'::text])))
);


--
-- Name: credit_grant_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.credit_grant_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: credit_grant_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.credit_grant_id_seq OWNED BY public.credit_grant.id;


--
-- Name: credit_hold; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.credit_hold (
    hold_key text NOT NULL,
    user_id bigint NOT NULL,
    amount bigint NOT NULL,
    state text NOT NULL,
    reason text,
    expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    settled_at timestamp with time zone,
    seq bigint NOT NULL,
    CONSTRAINT credit_hold_amount_check CHECK ((amount > 0)),
    CONSTRAINT credit_hold_state_check CHECK ((state = ANY (ARRAY['OPEN'::text, 'CAPTURED'::text, 'RELEASED'::text, 'EXPIRED'::text])))
)
WITH (fillfactor='80');


--
-- Name: credit_hold_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.credit_hold ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.credit_hold_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: credits_low_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.credits_low_state (
    user_id bigint NOT NULL,
    below boolean NOT NULL,
    crossings integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: debt_waiver; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.debt_waiver (
    id bigint NOT NULL,
    waiver_key text NOT NULL,
    user_id bigint NOT NULL,
    requested bigint NOT NULL,
    waived bigint NOT NULL,
    actor text NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT debt_waiver_check CHECK (((waived >= 0) AND (waived <= requested))),
    CONSTRAINT debt_waiver_requested_check CHECK ((requested > 0))
);


--
-- Name: debt_waiver_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.debt_waiver_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: debt_waiver_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.debt_waiver_id_seq OWNED BY public.debt_waiver.id;


--
-- Name: email_token; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.email_token (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    purpose text NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    password_hash text,
    CONSTRAINT email_token_purpose_check CHECK ((purpose = ANY (ARRAY['VERIFY'::text, 'RESET'::text])))
);


--
-- Name: COLUMN email_token.password_hash; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.email_token.password_hash IS 'VERIFY links of a repeated sign-up: hash of the password chosen then, set when the link is confirmed; null otherwise';


--
-- Name: email_token_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.email_token_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: email_token_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.email_token_id_seq OWNED BY public.email_token.id;


--
-- Name: flyway_schema_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.flyway_schema_history (
    installed_rank integer NOT NULL,
    version character varying(50),
    description character varying(200) NOT NULL,
    type character varying(20) NOT NULL,
    script character varying(1000) NOT NULL,
    checksum integer,
    installed_by character varying(100) NOT NULL,
    installed_on timestamp without time zone DEFAULT now() NOT NULL,
    execution_time integer NOT NULL,
    success boolean NOT NULL
);


--
-- Name: generation_asset; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.generation_asset (
    id text NOT NULL,
    job_id text NOT NULL,
    user_id bigint NOT NULL,
    storage_key text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    source_url text,
    created_at timestamp with time zone NOT NULL,
    deleted_at timestamp with time zone
);


--
-- Name: generation_job; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.generation_job (
    id text NOT NULL,
    user_id bigint NOT NULL,
    type text NOT NULL,
    model text NOT NULL,
    prompt text NOT NULL,
    options text NOT NULL,
    provider_model text NOT NULL,
    provider_input text NOT NULL,
    price bigint NOT NULL,
    state text NOT NULL,
    provider_task_id text,
    callback_token text NOT NULL,
    progress integer DEFAULT 0 NOT NULL,
    error_code text,
    error_message text,
    credits_charged bigint DEFAULT 0 NOT NULL,
    asset_id text,
    late_delivery boolean DEFAULT false NOT NULL,
    submit_started_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    submitted_at timestamp with time zone,
    completed_at timestamp with time zone,
    deadline_at timestamp with time zone NOT NULL,
    asset_deleted_at timestamp with time zone,
    record_gap_since timestamp with time zone,
    record_gap_answers integer DEFAULT 0 NOT NULL,
    submit_mark_id uuid,
    late_checks_ended_at timestamp with time zone,
    CONSTRAINT generation_job_price_check CHECK ((price > 0)),
    CONSTRAINT generation_job_progress_check CHECK (((progress >= 0) AND (progress <= 100))),
    CONSTRAINT generation_job_state_check CHECK ((state = ANY (ARRAY['RESERVED'::text, 'SUBMITTED'::text, 'RUNNING'::text, 'SUCCEEDED'::text, 'FAILED'::text, 'UNKNOWN'::text]))),
    CONSTRAINT generation_job_type_check CHECK ((type = ANY (ARRAY['IMAGE'::text, 'VIDEO'::text])))
)
WITH (fillfactor='75');


--
-- Name: generation_limit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.generation_limit (
    user_id bigint NOT NULL,
    type text NOT NULL,
    cooldown_until timestamp with time zone,
    closed boolean DEFAULT false NOT NULL
);


--
-- Name: generation_provider_task; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.generation_provider_task (
    provider_task_id text NOT NULL,
    job_id text NOT NULL
);


--
-- Name: idempotency_record; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_record (
    user_id bigint NOT NULL,
    endpoint text NOT NULL,
    idem_key text NOT NULL,
    request_hash text NOT NULL,
    job_id text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: ledger_entry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_entry (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    kind text NOT NULL,
    amount bigint NOT NULL,
    balance_delta bigint NOT NULL,
    held_delta bigint NOT NULL,
    debt_delta bigint NOT NULL,
    ref_key text NOT NULL,
    source text,
    reason text,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT ledger_entry_amount_positive CHECK ((amount > 0)),
    CONSTRAINT ledger_entry_kind_check CHECK ((kind = ANY (ARRAY['GRANT'::text, 'HOLD'::text, 'CAPTURE'::text, 'RELEASE'::text, 'EXPIRE'::text, 'CLAWBACK'::text, 'DEBT_WAIVED'::text, 'FORFEIT'::text, 'DEBT_PAID'::text])))
);


--
-- Name: ledger_entry_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ledger_entry_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ledger_entry_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ledger_entry_id_seq OWNED BY public.ledger_entry.id;


--
-- Name: ledger_expiry_sweep; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_expiry_sweep (
    id smallint NOT NULL,
    low_seq bigint NOT NULL,
    swept_at timestamp with time zone NOT NULL,
    full_scan_at timestamp with time zone NOT NULL,
    seen_seq bigint,
    seen_xmax xid8,
    CONSTRAINT ledger_expiry_sweep_id_check CHECK ((id = 1))
);


--
-- Name: login_device; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_device (
    token_hash text NOT NULL,
    account text NOT NULL,
    failures integer DEFAULT 0 NOT NULL,
    last_used_at timestamp with time zone NOT NULL,
    CONSTRAINT login_device_failures_check CHECK ((failures >= 0))
);


--
-- Name: login_throttle_account; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_throttle_account (
    email text NOT NULL,
    failures integer NOT NULL,
    blocked_until timestamp with time zone,
    last_failure_at timestamp with time zone NOT NULL,
    CONSTRAINT login_throttle_account_failures_check CHECK ((failures >= 0))
);


--
-- Name: COLUMN login_throttle_account.email; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.login_throttle_account.email IS 'hex SHA-256 of the normalised sign-in name (SignInNames.throttleKey), not the name';


--
-- Name: login_throttle_client; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_throttle_client (
    client text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    failures integer NOT NULL,
    locked_until timestamp with time zone,
    CONSTRAINT login_throttle_client_failures_check CHECK ((failures >= 0))
);


--
-- Name: mail_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mail_outbox (
    id bigint NOT NULL,
    message_key text NOT NULL,
    template text NOT NULL,
    recipient text NOT NULL,
    user_id bigint,
    subject text NOT NULL,
    body_text text NOT NULL,
    body_html text NOT NULL,
    status text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_error text,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    send_round integer DEFAULT 0 NOT NULL,
    CONSTRAINT mail_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT mail_outbox_send_round_check CHECK ((send_round >= 0)),
    CONSTRAINT mail_outbox_status_check CHECK ((status = ANY (ARRAY['PENDING'::text, 'SENT'::text, 'FAILED'::text, 'HELD'::text])))
);


--
-- Name: mail_outbox_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.mail_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: mail_outbox_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.mail_outbox_id_seq OWNED BY public.mail_outbox.id;


--
-- Name: notification_setting; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notification_setting (
    user_id bigint NOT NULL,
    generation_emails boolean DEFAULT true NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    credits_low_threshold bigint DEFAULT 20 NOT NULL,
    CONSTRAINT notification_setting_credits_low_threshold_check CHECK ((credits_low_threshold >= 0))
);


--
-- Name: operation_switch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operation_switch (
    name text NOT NULL,
    paused boolean NOT NULL,
    message text,
    retry_after_seconds integer,
    updated_by text NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT operation_switch_retry_after_seconds_check CHECK ((retry_after_seconds > 0))
);


--
-- Name: operator_action; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operator_action (
    id bigint NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    reason text,
    amount bigint,
    before_state jsonb,
    after_state jsonb,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: operator_action_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.operator_action_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: operator_action_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.operator_action_id_seq OWNED BY public.operator_action.id;


--
-- Name: operator_alert; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operator_alert (
    id bigint NOT NULL,
    kind text NOT NULL,
    message text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    once_key text
);


--
-- Name: operator_alert_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.operator_alert_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: operator_alert_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.operator_alert_id_seq OWNED BY public.operator_alert.id;


--
-- Name: payment_event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_event (
    id bigint NOT NULL,
    provider text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    payload text NOT NULL,
    status text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    next_attempt_at timestamp with time zone,
    received_at timestamp with time zone NOT NULL,
    processed_at timestamp with time zone,
    CONSTRAINT payment_event_provider_check CHECK ((provider = ANY (ARRAY['creem'::text, 'stripe'::text, 'simulated'::text]))),
    CONSTRAINT payment_event_status_check CHECK ((status = ANY (ARRAY['RECEIVED'::text, 'PROCESSED'::text, 'IGNORED'::text, 'FAILED'::text])))
);


--
-- Name: payment_event_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payment_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payment_event_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payment_event_id_seq OWNED BY public.payment_event.id;


--
-- Name: provider_balance; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.provider_balance (
    id smallint NOT NULL,
    credits bigint,
    low boolean DEFAULT false NOT NULL,
    checked_at timestamp with time zone,
    CONSTRAINT provider_balance_id_check CHECK ((id = 1))
);


--
-- Name: provider_status; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.provider_status (
    id smallint NOT NULL,
    state text NOT NULL,
    since timestamp with time zone NOT NULL,
    detail text,
    last_refusal_code integer,
    last_refusal_at timestamp with time zone,
    last_refusal_detail text,
    trip_epoch bigint DEFAULT 0 NOT NULL,
    refused_task_cost bigint DEFAULT 0 NOT NULL,
    refused_at_balance bigint,
    resumed_by_operator boolean DEFAULT false NOT NULL,
    CONSTRAINT provider_status_id_check CHECK ((id = 1)),
    CONSTRAINT provider_status_refused_task_cost_check CHECK ((refused_task_cost >= 0)),
    CONSTRAINT provider_status_state_check CHECK ((state = ANY (ARRAY['AVAILABLE'::text, 'EXHAUSTED'::text, 'UNAUTHORIZED'::text])))
);


--
-- Name: reconciliation_finding; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reconciliation_finding (
    id bigint NOT NULL,
    run_id bigint NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    evidence jsonb NOT NULL,
    repairable boolean DEFAULT false NOT NULL,
    repaired_at timestamp with time zone,
    repaired_by bigint,
    created_at timestamp with time zone NOT NULL,
    seen_since timestamp with time zone
);


--
-- Name: reconciliation_finding_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.reconciliation_finding_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: reconciliation_finding_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.reconciliation_finding_id_seq OWNED BY public.reconciliation_finding.id;


--
-- Name: reconciliation_run; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reconciliation_run (
    id bigint NOT NULL,
    trigger text NOT NULL,
    actor text,
    window_from timestamp with time zone NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    findings integer DEFAULT 0 NOT NULL,
    skipped jsonb DEFAULT '[]'::jsonb NOT NULL,
    CONSTRAINT reconciliation_run_trigger_check CHECK ((trigger = ANY (ARRAY['SCHEDULED'::text, 'ON_DEMAND'::text, 'COMMAND'::text])))
);


--
-- Name: reconciliation_run_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.reconciliation_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: reconciliation_run_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.reconciliation_run_id_seq OWNED BY public.reconciliation_run.id;


--
-- Name: request_limit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.request_limit (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer NOT NULL,
    CONSTRAINT request_limit_hits_check CHECK ((hits >= 0))
);


--
-- Name: scheduled_tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scheduled_tasks (
    task_name text NOT NULL,
    task_instance text NOT NULL,
    task_data bytea,
    execution_time timestamp with time zone NOT NULL,
    picked boolean NOT NULL,
    picked_by text,
    last_success timestamp with time zone,
    last_failure timestamp with time zone,
    consecutive_failures integer,
    last_heartbeat timestamp with time zone,
    version bigint NOT NULL,
    priority smallint
);


--
-- Name: signup_bonus_claim; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.signup_bonus_claim (
    address_hash bytea NOT NULL,
    user_id bigint NOT NULL,
    claimed_at timestamp with time zone NOT NULL
);


--
-- Name: sim_account; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sim_account (
    id smallint NOT NULL,
    balance bigint NOT NULL,
    spent_before bigint DEFAULT 0 NOT NULL,
    CONSTRAINT sim_account_id_check CHECK ((id = 1))
);


--
-- Name: sim_task; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sim_task (
    task_id text NOT NULL,
    model text NOT NULL,
    kind text NOT NULL,
    input text NOT NULL,
    callback_url text,
    created_at timestamp with time zone NOT NULL,
    duration_ms bigint NOT NULL,
    fails boolean NOT NULL,
    callback_state text NOT NULL,
    callback_attempts integer DEFAULT 0 NOT NULL,
    callback_next_at timestamp with time zone,
    cost bigint DEFAULT 0 NOT NULL,
    CONSTRAINT sim_task_callback_state_check CHECK ((callback_state = ANY (ARRAY['NONE'::text, 'PENDING'::text, 'DELIVERED'::text, 'GAVE_UP'::text]))),
    CONSTRAINT sim_task_cost_check CHECK ((cost >= 0)),
    CONSTRAINT sim_task_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT sim_task_kind_check CHECK ((kind = ANY (ARRAY['IMAGE'::text, 'VIDEO'::text])))
);


--
-- Name: spring_session; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.spring_session (
    primary_id character(36) NOT NULL,
    session_id character(36) NOT NULL,
    creation_time bigint NOT NULL,
    last_access_time bigint NOT NULL,
    max_inactive_interval integer NOT NULL,
    expiry_time bigint NOT NULL,
    principal_name character varying(320)
);


--
-- Name: spring_session_attributes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.spring_session_attributes (
    session_primary_id character(36) NOT NULL,
    attribute_name character varying(200) NOT NULL,
    attribute_bytes bytea NOT NULL
);


--
-- Name: webhook_attempt; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_attempt (
    delivery_id text NOT NULL,
    attempt integer NOT NULL,
    started_at timestamp with time zone NOT NULL,
    status_code integer,
    error text,
    excerpt text
);


--
-- Name: webhook_delivery; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_delivery (
    id text NOT NULL,
    endpoint_id text NOT NULL,
    user_id bigint NOT NULL,
    event_key text NOT NULL,
    event_type text NOT NULL,
    body text NOT NULL,
    status text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    give_up_at timestamp with time zone NOT NULL,
    last_status integer,
    last_error text,
    created_at timestamp with time zone NOT NULL,
    delivered_at timestamp with time zone,
    schedule_start integer DEFAULT 0 NOT NULL,
    resent_at timestamp with time zone,
    CONSTRAINT webhook_delivery_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT webhook_delivery_status_check CHECK ((status = ANY (ARRAY['PENDING'::text, 'DELIVERED'::text, 'FAILED'::text])))
);


--
-- Name: webhook_endpoint; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_endpoint (
    id text NOT NULL,
    user_id bigint NOT NULL,
    url text NOT NULL,
    events text[] NOT NULL,
    secret text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    failing_since timestamp with time zone,
    disabled_at timestamp with time zone,
    account_recoveries bigint DEFAULT 0 NOT NULL,
    sending_until timestamp with time zone,
    CONSTRAINT webhook_endpoint_events_check CHECK ((cardinality(events) > 0))
);


--
-- Name: webhook_signature_alert; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_signature_alert (
    provider text NOT NULL,
    alerted_at timestamp with time zone NOT NULL
);


--
-- Name: webhook_signature_failure; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_signature_failure (
    provider text NOT NULL,
    bucket_start timestamp with time zone NOT NULL,
    failures bigint NOT NULL,
    CONSTRAINT webhook_signature_failure_failures_check CHECK ((failures > 0))
);


--
-- Name: api_token id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token ALTER COLUMN id SET DEFAULT nextval('public.api_token_id_seq'::regclass);


--
-- Name: app_user id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user ALTER COLUMN id SET DEFAULT nextval('public.app_user_id_seq'::regclass);


--
-- Name: billing_purchase id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase ALTER COLUMN id SET DEFAULT nextval('public.billing_purchase_id_seq'::regclass);


--
-- Name: billing_referral_grant id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral_grant ALTER COLUMN id SET DEFAULT nextval('public.billing_referral_grant_id_seq'::regclass);


--
-- Name: credit_clawback id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_clawback ALTER COLUMN id SET DEFAULT nextval('public.credit_clawback_id_seq'::regclass);


--
-- Name: credit_grant id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_grant ALTER COLUMN id SET DEFAULT nextval('public.credit_grant_id_seq'::regclass);


--
-- Name: debt_waiver id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.debt_waiver ALTER COLUMN id SET DEFAULT nextval('public.debt_waiver_id_seq'::regclass);


--
-- Name: email_token id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_token ALTER COLUMN id SET DEFAULT nextval('public.email_token_id_seq'::regclass);


--
-- Name: ledger_entry id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entry ALTER COLUMN id SET DEFAULT nextval('public.ledger_entry_id_seq'::regclass);


--
-- Name: mail_outbox id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_outbox ALTER COLUMN id SET DEFAULT nextval('public.mail_outbox_id_seq'::regclass);


--
-- Name: operator_action id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operator_action ALTER COLUMN id SET DEFAULT nextval('public.operator_action_id_seq'::regclass);


--
-- Name: operator_alert id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operator_alert ALTER COLUMN id SET DEFAULT nextval('public.operator_alert_id_seq'::regclass);


--
-- Name: payment_event id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_event ALTER COLUMN id SET DEFAULT nextval('public.payment_event_id_seq'::regclass);


--
-- Name: reconciliation_finding id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_finding ALTER COLUMN id SET DEFAULT nextval('public.reconciliation_finding_id_seq'::regclass);


--
-- Name: reconciliation_run id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_run ALTER COLUMN id SET DEFAULT nextval('public.reconciliation_run_id_seq'::regclass);


--
-- Data for Name: api_token; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.api_token VALUES (2, 2, '\x5c3dac12081c73ec47965d6393ea1e412cef65beb4ad3e099810a2eea2e5c84a', 'configured demo token', '2026-12-07 14:58:09.488418+00', NULL, NULL, NULL);
INSERT INTO public.api_token VALUES (1, 1, '\x4be573b9b970edb043c770c9239b6a8f097eb22fdd6723df3a8bfb53604f4e9f', 'configured demo token', '2026-12-07 14:58:09.365612+00', NULL, NULL, '2026-12-07 14:58:27.155+00');
INSERT INTO public.api_token VALUES (3, 3, '\x1c4de90666f17ee11eb448a665820976d8e8417e7e062375c44660d0ba79089f', 'upgrade-test', '2026-12-07 14:58:56.755279+00', NULL, NULL, '2026-12-07 14:59:01.391+00');


--
-- Data for Name: app_user; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.app_user VALUES (1, 'demo@renderbank.local', '{bcrypt}$2a$10$yDQSX9RzI48LwClfxK2FxOMJtUc./DfqmCDWbqF5r1JE.qJYuAxwq', NULL, 'USER', true, 'UTC', true, '2026-12-07 14:58:09.280405+00', false, NULL, 'demo@renderbank.local', 1, 0);
INSERT INTO public.app_user VALUES (2, 'admin@renderbank.local', '{bcrypt}$2a$10$4.MP9IW58cgDq6p2Cj3C5uTN3s5qMDqo3lKwh.zjlv4NgbSAZh1Uq', NULL, 'ADMIN', true, 'UTC', true, '2026-12-07 14:58:09.485514+00', false, NULL, 'admin@renderbank.local', 1, 0);
INSERT INTO public.app_user VALUES (3, 'alice@example.com', '{bcrypt}$2a$10$3j3y6DdmhOUjOedSWB373.LoR7lQzykMjr6Uz9G69iqqm4jbLmkGC', NULL, 'USER', true, 'Europe/Berlin', true, '2026-12-07 14:58:33.927705+00', false, NULL, 'alice@example.com', 1, 0);


--
-- Data for Name: billing_checkin; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_checkout; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_checkout VALUES ('chk_0af80ed1882e4579bf4c3d8298a021ab', 3, 'pack-500', 'simulated', 'upgrade-pack-500', 'http://localhost:18437/checkout/simulated/chk_0af80ed1882e4579bf4c3d8298a021ab', 'chk_0af80ed1882e4579bf4c3d8298a021ab', 'COMPLETED', '2026-12-07 14:59:01.444781+00', 500, 2290, 'USD');
INSERT INTO public.billing_checkout VALUES ('chk_df053c5cfff246afa27d59a31fe95ec5', 3, 'pro-monthly', 'simulated', 'upgrade-pro-monthly', 'http://localhost:18437/checkout/simulated/chk_df053c5cfff246afa27d59a31fe95ec5', 'chk_df053c5cfff246afa27d59a31fe95ec5', 'COMPLETED', '2026-12-07 14:59:01.651+00', 500, 1990, 'USD');
INSERT INTO public.billing_checkout VALUES ('chk_acb6225e7dd94812ba82e9135b033dee', 3, 'pack-200', 'simulated', NULL, 'http://localhost:18437/checkout/simulated/chk_acb6225e7dd94812ba82e9135b033dee', 'chk_acb6225e7dd94812ba82e9135b033dee', 'OPEN', '2026-12-07 14:59:05.166971+00', 200, 990, 'USD');


--
-- Data for Name: billing_checkout_rate; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_checkout_rate VALUES (3, '2026-12-07 14:59:01.444781+00', 3);


--
-- Data for Name: billing_dispute; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_invoice_payment; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_purchase; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_purchase VALUES (1, 'creem:order:sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab', 'creem', 3, 'pack-500', 500, 2290, 'USD', 500, 0, 0, false, '2026-12-07 14:59:01.61109+00', 0, 0, 0, 0, 0, 0);
INSERT INTO public.billing_purchase VALUES (2, 'creem:period:sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5:1796655541', 'creem', 3, 'pro-monthly', 500, 1990, 'USD', 500, 0, 0, false, '2026-12-07 14:59:01.800015+00', 0, 0, 0, 0, 0, 0);


--
-- Data for Name: billing_purchase_grant; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_purchase_grant VALUES ('creem:order:sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab', 1, 500, '2026-12-07 14:59:01.61109+00');
INSERT INTO public.billing_purchase_grant VALUES ('creem:period:sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5:1796655541:month:2026-12', 2, 500, '2026-12-07 14:59:01.805561+00');


--
-- Data for Name: billing_purchase_ref; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_purchase_ref VALUES ('creem', 'sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab', 1);
INSERT INTO public.billing_purchase_ref VALUES ('creem', 'sim_ch_chk_0af80ed1882e4579bf4c3d8298a021ab', 1);
INSERT INTO public.billing_purchase_ref VALUES ('creem', 'chk_0af80ed1882e4579bf4c3d8298a021ab', 1);
INSERT INTO public.billing_purchase_ref VALUES ('creem', 'sim_txn_chk_df053c5cfff246afa27d59a31fe95ec5', 2);
INSERT INTO public.billing_purchase_ref VALUES ('creem', 'sim_ord_chk_df053c5cfff246afa27d59a31fe95ec5', 2);


--
-- Data for Name: billing_referral; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_referral_code; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_referral_grant; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_refund; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_signup_bonus_wait; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_subscription; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_subscription VALUES ('creem', 'sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5', 3, 'pro-monthly', 'active', '2027-01-07 14:59:01.79172+00', NULL, '2026-12-07 14:59:01.791+00', '2026-12-07 14:59:01.794527+00', false);


--
-- Data for Name: billing_subscription_period; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_subscription_period VALUES (2, 'creem', 'sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5', '2026-12-07 14:59:01.79172+00', '2027-01-07 14:59:01.79172+00', 500, 1, 1, NULL, 0, NULL, false, true, NULL);


--
-- Data for Name: credit_account; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_account VALUES (1, 995, 0, 0, '2026-12-07 14:58:09.317057+00', NULL);
INSERT INTO public.credit_account VALUES (3, 1010, 0, 0, '2026-12-07 14:58:37.80716+00', NULL);


--
-- Data for Name: credit_clawback; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: credit_grant; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_grant VALUES (1, 'demo-seed:1', 1, 1000, 'SIGNUP', NULL, 'demo account', NULL, 0, 0, '2026-12-07 14:58:09.316552+00', 0, '{}', '');
INSERT INTO public.credit_grant VALUES (2, 'signup:3', 3, 15, 'SIGNUP', NULL, 'sign-up bonus', NULL, 0, 0, '2026-12-07 14:58:37.844675+00', 0, '{}', '');
INSERT INTO public.credit_grant VALUES (3, 'creem:order:sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab', 3, 500, 'PURCHASE', 'pack-500', 'purchase of pack-500', NULL, 0, 0, '2026-12-07 14:59:01.614381+00', 0, '{}', '');
INSERT INTO public.credit_grant VALUES (4, 'creem:period:sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5:1796655541:month:2026-12', 3, 500, 'SUBSCRIPTION', 'pro-monthly', 'pro-monthly credits for 2026-12', NULL, 0, 0, '2026-12-07 14:59:01.806029+00', 0, '{}', '');


--
-- Data for Name: credit_hold; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_hold OVERRIDING SYSTEM VALUE VALUES ('gen_w89fOdiw-N7RS6tnupD1', 1, 5, 'CAPTURED', NULL, '2026-12-07 16:14:05.306124+00', '2026-12-07 14:59:05.306124+00', '2026-12-07 14:59:12.215502+00', 2);
INSERT INTO public.credit_hold OVERRIDING SYSTEM VALUE VALUES ('gen_RJe1X_53UUhmVRbMkPQO', 3, 5, 'CAPTURED', NULL, '2026-12-07 16:14:05.211344+00', '2026-12-07 14:59:05.211344+00', '2026-12-07 14:59:12.355175+00', 1);


--
-- Data for Name: credits_low_state; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: debt_waiver; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: email_token; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.email_token VALUES (1, 3, 'VERIFY', '\x79c15831e598707e400498125b7bb30eea370593c068e3dfeb2cbe9fd6fb686f', '2026-12-07 14:58:34.206852+00', '2026-12-08 14:58:34.206852+00', '2026-12-07 14:58:37.695617+00', NULL);
INSERT INTO public.email_token VALUES (2, 3, 'RESET', '\xccc38f1771c8a7b10b9c887629cd67fafbf7a21ad0dd9ef24d70db0badf9d98b', '2026-12-07 14:58:52.404621+00', '2026-12-07 15:58:52.404621+00', NULL, NULL);


--
-- Data for Name: flyway_schema_history; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.flyway_schema_history VALUES (1, '1.0.1', 'scheduled tasks', 'SQL', 'platform/V1_0_1__scheduled_tasks.sql', -1338769401, 'postgres', '2026-12-07 14:58:00.727563', 30, true);
INSERT INTO public.flyway_schema_history VALUES (2, '1.0.2', 'identity', 'SQL', 'identity/V1_0_2__identity.sql', 39903637, 'postgres', '2026-12-07 14:58:00.820133', 40, true);
INSERT INTO public.flyway_schema_history VALUES (3, '1.1.1', 'ledger', 'SQL', 'ledger/V1_1_1__ledger.sql', -1636376575, 'postgres', '2026-12-07 14:58:00.892466', 71, true);
INSERT INTO public.flyway_schema_history VALUES (4, '1.1.2', 'waivers and lean holds', 'SQL', 'ledger/V1_1_2__waivers_and_lean_holds.sql', 484924601, 'postgres', '2026-12-07 14:58:00.98716', 20, true);
INSERT INTO public.flyway_schema_history VALUES (5, '1.1.3', 'no key share locks on accounts', 'SQL', 'ledger/V1_1_3__no_key_share_locks_on_accounts.sql', -1820195419, 'postgres', '2026-12-07 14:58:01.035729', 10, true);
INSERT INTO public.flyway_schema_history VALUES (6, '1.2.1', 'generation', 'SQL', 'generation/V1_2_1__generation.sql', 996519031, 'postgres', '2026-12-07 14:58:01.055447', 48, true);
INSERT INTO public.flyway_schema_history VALUES (7, '1.3.1', 'provider status', 'SQL', 'provider/V1_3_1__provider_status.sql', -1100978195, 'postgres', '2026-12-07 14:58:01.115337', 16, true);
INSERT INTO public.flyway_schema_history VALUES (8, '1.3.2', 'provider simulator', 'SQL', 'provider/V1_3_2__provider_simulator.sql', -302528570, 'postgres', '2026-12-07 14:58:01.142092', 5, true);
INSERT INTO public.flyway_schema_history VALUES (9, '1.5.1', 'billing', 'SQL', 'billing/V1_5_1__billing.sql', -416013953, 'postgres', '2026-12-07 14:58:01.151958', 76, true);
INSERT INTO public.flyway_schema_history VALUES (10, '1.5.2', 'invoice payments', 'SQL', 'billing/V1_5_2__invoice_payments.sql', -2077915722, 'postgres', '2026-12-07 14:58:01.242032', 7, true);
INSERT INTO public.flyway_schema_history VALUES (11, '1.6.1', 'operator alert', 'SQL', 'ops/V1_6_1__operator_alert.sql', 1766121479, 'postgres', '2026-12-07 14:58:01.255514', 14, true);
INSERT INTO public.flyway_schema_history VALUES (12, '2026.11.30.1001', 'simulated payment events', 'SQL', 'billing/V2026_11_30_1001__simulated_payment_events.sql', 2032585586, 'postgres', '2026-12-07 14:58:01.279514', 2, true);
INSERT INTO public.flyway_schema_history VALUES (13, '2026.11.30.2000', 'partial disputes', 'SQL', 'billing/V2026_11_30_2000__partial_disputes.sql', 257256084, 'postgres', '2026-12-07 14:58:01.29674', 5, true);
INSERT INTO public.flyway_schema_history VALUES (14, '2026.11.30.2001', 'checkout limit', 'SQL', 'billing/V2026_11_30_2001__checkout_limit.sql', 1316194767, 'postgres', '2026-12-07 14:58:01.31552', 4, true);
INSERT INTO public.flyway_schema_history VALUES (15, '2026.11.30.3000', 'provider last refusal', 'SQL', 'provider/V2026_11_30_3000__provider_last_refusal.sql', -610103965, 'postgres', '2026-12-07 14:58:01.326157', 5, true);
INSERT INTO public.flyway_schema_history VALUES (16, '2026.11.30.4001', 'ledger statement guards', 'SQL', 'ledger/V2026_11_30_4001__ledger_statement_guards.sql', -966695355, 'postgres', '2026-12-07 14:58:01.335951', 3, true);
INSERT INTO public.flyway_schema_history VALUES (17, '2026.11.30.7000', 'mail outbox', 'SQL', 'notify/V2026_11_30_7000__mail_outbox.sql', 1224223543, 'postgres', '2026-12-07 14:58:01.34709', 9, true);
INSERT INTO public.flyway_schema_history VALUES (18, '2026.11.30.8200', 'accounts', 'SQL', 'identity/V2026_11_30_8200__accounts.sql', -1758216285, 'postgres', '2026-12-07 14:58:01.360368', 14, true);
INSERT INTO public.flyway_schema_history VALUES (19, '2026.11.30.8201', 'spring session', 'SQL', 'identity/V2026_11_30_8201__spring_session.sql', 210868809, 'postgres', '2026-12-07 14:58:01.38036', 10, true);
INSERT INTO public.flyway_schema_history VALUES (20, '2026.11.30.8300', 'api token expiry and use', 'SQL', 'identity/V2026_11_30_8300__api_token_expiry_and_use.sql', 803202777, 'postgres', '2026-12-07 14:58:01.394853', 2, true);
INSERT INTO public.flyway_schema_history VALUES (21, '2026.11.30.8301', 'account deletion', 'SQL', 'identity/V2026_11_30_8301__account_deletion.sql', 1975910900, 'postgres', '2026-12-07 14:58:01.400089', 3, true);
INSERT INTO public.flyway_schema_history VALUES (22, '2026.11.30.8302', 'forfeit entries', 'SQL', 'ledger/V2026_11_30_8302__forfeit_entries.sql', 1690046786, 'postgres', '2026-12-07 14:58:01.406683', 2, true);
INSERT INTO public.flyway_schema_history VALUES (23, '2026.11.30.8400', 'asset deletion', 'SQL', 'generation/V2026_11_30_8400__asset_deletion.sql', -1231667414, 'postgres', '2026-12-07 14:58:01.416153', 2, true);
INSERT INTO public.flyway_schema_history VALUES (24, '2026.11.30.8500', 'webhooks', 'SQL', 'notify/V2026_11_30_8500__webhooks.sql', -30753967, 'postgres', '2026-12-07 14:58:01.42204', 14, true);
INSERT INTO public.flyway_schema_history VALUES (25, '2026.11.30.8600', 'operator action', 'SQL', 'ops/V2026_11_30_8600__operator_action.sql', -1227818486, 'postgres', '2026-12-07 14:58:01.441082', 29, true);
INSERT INTO public.flyway_schema_history VALUES (26, '2026.11.30.8601', 'operation switch', 'SQL', 'platform/V2026_11_30_8601__operation_switch.sql', 828173702, 'postgres', '2026-12-07 14:58:01.478268', 9, true);
INSERT INTO public.flyway_schema_history VALUES (27, '2026.11.30.8700', 'purchases by user', 'SQL', 'billing/V2026_11_30_8700__purchases_by_user.sql', 1875705131, 'postgres', '2026-12-07 14:58:01.497563', 4, true);
INSERT INTO public.flyway_schema_history VALUES (28, '2026.11.30.8701', 'referral codes', 'SQL', 'billing/V2026_11_30_8701__referral_codes.sql', 1749659093, 'postgres', '2026-12-07 14:58:01.516922', 9, true);
INSERT INTO public.flyway_schema_history VALUES (29, '2026.11.30.9000', 'reconciliation', 'SQL', 'ops/V2026_11_30_9000__reconciliation.sql', -1911872418, 'postgres', '2026-12-07 14:58:01.531617', 10, true);
INSERT INTO public.flyway_schema_history VALUES (30, '2026.11.30.9300', 'job change notify', 'SQL', 'generation/V2026_11_30_9300__job_change_notify.sql', -464097700, 'postgres', '2026-12-07 14:58:01.549556', 3, true);
INSERT INTO public.flyway_schema_history VALUES (31, '2026.11.30.9301', 'signature failures', 'SQL', 'billing/V2026_11_30_9301__signature_failures.sql', -1082562236, 'postgres', '2026-12-07 14:58:01.556836', 6, true);
INSERT INTO public.flyway_schema_history VALUES (32, '2026.11.30.9500', 'hot hold updates', 'SQL', 'ledger/V2026_11_30_9500__hot_hold_updates.sql', -531193342, 'postgres', '2026-12-07 14:58:01.565783', 6, true);
INSERT INTO public.flyway_schema_history VALUES (33, '2026.11.30.9501', 'simulator spends without a hot row', 'SQL', 'provider/V2026_11_30_9501__simulator_spends_without_a_hot_row.sql', -411016681, 'postgres', '2026-12-07 14:58:01.581531', 1, true);
INSERT INTO public.flyway_schema_history VALUES (34, '2026.11.30.9600', 'webhook endpoint disabling', 'SQL', 'notify/V2026_11_30_9600__webhook_endpoint_disabling.sql', 1429106861, 'postgres', '2026-12-07 14:58:01.594581', 1, true);
INSERT INTO public.flyway_schema_history VALUES (35, '2026.11.30.9750', 'submitted mark hot', 'SQL', 'generation/V2026_11_30_9750__submitted_mark_hot.sql', 1833120076, 'postgres', '2026-12-07 14:58:01.611489', 27, true);
INSERT INTO public.flyway_schema_history VALUES (36, '2026.11.30.9890', 'operator key per operator', 'SQL', 'ops/V2026_11_30_9890__operator_key_per_operator.sql', -1511922112, 'postgres', '2026-12-07 14:58:01.65192', 9, true);
INSERT INTO public.flyway_schema_history VALUES (37, '2026.12.02.0100', 'scheduled tasks lean indexes', 'SQL', 'platform/V2026_12_02_0100__scheduled_tasks_lean_indexes.sql', -1181950076, 'postgres', '2026-12-07 14:58:01.675713', 13, true);
INSERT INTO public.flyway_schema_history VALUES (38, '2026.12.02.0300', 'closed accounts', 'SQL', 'ledger/V2026_12_02_0300__closed_accounts.sql', -319967041, 'postgres', '2026-12-07 14:58:01.697917', 5, true);
INSERT INTO public.flyway_schema_history VALUES (39, '2026.12.02.0301', 'referral clawback', 'SQL', 'billing/V2026_12_02_0301__referral_clawback.sql', 890692686, 'postgres', '2026-12-07 14:58:01.719596', 6, true);
INSERT INTO public.flyway_schema_history VALUES (40, '2026.12.02.0400', 'forfeit what closed accounts kept', 'SQL', 'ledger/V2026_12_02_0400__forfeit_what_closed_accounts_kept.sql', 670880032, 'postgres', '2026-12-07 14:58:01.730556', 9, true);
INSERT INTO public.flyway_schema_history VALUES (41, '2026.12.03.0101', 'reward days', 'SQL', 'billing/V2026_12_03_0101__reward_days.sql', -988923730, 'postgres', '2026-12-07 14:58:01.751215', 3, true);
INSERT INTO public.flyway_schema_history VALUES (42, '2026.12.03.0102', 'referral purchase backfill', 'SQL', 'billing/V2026_12_03_0102__referral_purchase_backfill.sql', 4867824, 'postgres', '2026-12-07 14:58:01.760515', 2, true);
INSERT INTO public.flyway_schema_history VALUES (43, '2026.12.04.0101', 'dispute inquiries', 'SQL', 'billing/V2026_12_04_0101__dispute_inquiries.sql', -1038485239, 'postgres', '2026-12-07 14:58:01.76832', 4, true);
INSERT INTO public.flyway_schema_history VALUES (44, '2026.12.04.0301', 'login throttle name digests', 'SQL', 'identity/V2026_12_04_0301__login_throttle_name_digests.sql', -1668695754, 'postgres', '2026-12-07 14:58:01.780526', 8, true);
INSERT INTO public.flyway_schema_history VALUES (45, '2026.12.04.0302', 'signup bonus waits', 'SQL', 'billing/V2026_12_04_0302__signup_bonus_waits.sql', 709384300, 'postgres', '2026-12-07 14:58:01.793143', 2, true);
INSERT INTO public.flyway_schema_history VALUES (46, '2026.12.04.0401', 'generation limit closed', 'SQL', 'generation/V2026_12_04_0401__generation_limit_closed.sql', 1800275042, 'postgres', '2026-12-07 14:58:01.806061', 2, true);
INSERT INTO public.flyway_schema_history VALUES (47, '2026.12.05.0761', 'webhook resend schedule', 'SQL', 'notify/V2026_12_05_0761__webhook_resend_schedule.sql', 669332030, 'postgres', '2026-12-07 14:58:01.813084', 4, true);
INSERT INTO public.flyway_schema_history VALUES (48, '2026.12.06.0301', 'refund charge amounts', 'SQL', 'billing/V2026_12_06_0301__refund_charge_amounts.sql', 562905147, 'postgres', '2026-12-07 14:58:01.82031', 1, true);
INSERT INTO public.flyway_schema_history VALUES (49, '2026.12.06.0302', 'dispute charge amounts', 'SQL', 'billing/V2026_12_06_0302__dispute_charge_amounts.sql', 1243614092, 'postgres', '2026-12-07 14:58:01.827176', 3, true);
INSERT INTO public.flyway_schema_history VALUES (50, '2026.12.07.0601', 'subscription ended at once', 'SQL', 'billing/V2026_12_07_0601__subscription_ended_at_once.sql', -534536396, 'postgres', '2026-12-07 14:58:01.836614', 2, true);
INSERT INTO public.flyway_schema_history VALUES (51, '2026.12.07.0616', 'record gaps', 'SQL', 'generation/V2026_12_07_0616__record_gaps.sql', -387716159, 'postgres', '2026-12-07 14:58:01.843154', 3, true);
INSERT INTO public.flyway_schema_history VALUES (52, '2026.12.08.0660', 'app user email key', 'SQL', 'identity/V2026_12_08_0660__app_user_email_key.sql', 310011933, 'postgres', '2026-12-07 14:58:01.851826', 8, true);
INSERT INTO public.flyway_schema_history VALUES (53, '2026.12.09.0771', 'app user email key version', 'SQL', 'identity/V2026_12_09_0771__app_user_email_key_version.sql', 1080825419, 'postgres', '2026-12-07 14:58:01.874068', 6, true);
INSERT INTO public.flyway_schema_history VALUES (54, '2026.12.09.0772', 'operator alert once', 'SQL', 'ops/V2026_12_09_0772__operator_alert_once.sql', 105961625, 'postgres', '2026-12-07 14:58:01.883886', 3, true);
INSERT INTO public.flyway_schema_history VALUES (55, '2026.12.10.0813', 'email token pending password', 'SQL', 'identity/V2026_12_10_0813__email_token_pending_password.sql', 117017447, 'postgres', '2026-12-07 14:58:01.89177', 1, true);
INSERT INTO public.flyway_schema_history VALUES (56, '2026.12.11.0947', 'clawback debt attribution', 'SQL', 'ledger/V2026_12_11_0947__clawback_debt_attribution.sql', -1709787974, 'postgres', '2026-12-07 14:58:01.895479', 7, true);
INSERT INTO public.flyway_schema_history VALUES (57, '2026.12.11.1247', 'app user recoveries', 'SQL', 'identity/V2026_12_11_1247__app_user_recoveries.sql', -1447905345, 'postgres', '2026-12-07 14:58:01.910625', 3, true);
INSERT INTO public.flyway_schema_history VALUES (58, '2026.12.11.1248', 'webhook endpoint account recoveries', 'SQL', 'notify/V2026_12_11_1248__webhook_endpoint_account_recoveries.sql', 334128119, 'postgres', '2026-12-07 14:58:01.916962', 6, true);
INSERT INTO public.flyway_schema_history VALUES (59, '2026.12.11.1347', 'provider status trip epoch', 'SQL', 'provider/V2026_12_11_1347__provider_status_trip_epoch.sql', 200877189, 'postgres', '2026-12-07 14:58:01.928495', 7, true);
INSERT INTO public.flyway_schema_history VALUES (60, '2026.12.11.1400', 'reconciliation finding seen since', 'SQL', 'ops/V2026_12_11_1400__reconciliation_finding_seen_since.sql', -482618854, 'postgres', '2026-12-07 14:58:01.938849', 2, true);
INSERT INTO public.flyway_schema_history VALUES (61, '2026.12.12.0301', 'signature failure buckets', 'SQL', 'billing/V2026_12_12_0301__signature_failure_buckets.sql', 1435294533, 'postgres', '2026-12-07 14:58:01.943208', 4, true);
INSERT INTO public.flyway_schema_history VALUES (62, '2026.12.12.0302', 'checkout provider ref idx', 'SQL', 'billing/V2026_12_12_0302__checkout_provider_ref_idx.sql', -1810252438, 'postgres', '2026-12-07 14:58:01.952646', 3, true);
INSERT INTO public.flyway_schema_history VALUES (63, '2026.12.12.0600', 'webhook endpoint sending', 'SQL', 'notify/V2026_12_12_0600__webhook_endpoint_sending.sql', -1752634282, 'postgres', '2026-12-07 14:58:01.96097', 1, true);
INSERT INTO public.flyway_schema_history VALUES (64, '2026.12.12.0601', 'webhook delivery resent at', 'SQL', 'notify/V2026_12_12_0601__webhook_delivery_resent_at.sql', 380179861, 'postgres', '2026-12-07 14:58:01.977617', 2, true);
INSERT INTO public.flyway_schema_history VALUES (65, '2026.12.13.0500', 'webhook delivery pick by endpoint', 'SQL', 'notify/V2026_12_13_0500__webhook_delivery_pick_by_endpoint.sql', 514960194, 'postgres', '2026-12-07 14:58:01.984267', 2, true);
INSERT INTO public.flyway_schema_history VALUES (66, '2026.12.15.0600', 'period first month less', 'SQL', 'billing/V2026_12_15_0600__period_first_month_less.sql', 2069415577, 'postgres', '2026-12-07 14:58:01.991322', 5, true);
INSERT INTO public.flyway_schema_history VALUES (67, '2026.12.16.0900', 'period unused share taken', 'SQL', 'billing/V2026_12_16_0900__period_unused_share_taken.sql', -606532802, 'postgres', '2026-12-07 14:58:02.007528', 1, true);
INSERT INTO public.flyway_schema_history VALUES (68, '2026.12.16.0901', 'purchase unused handed on', 'SQL', 'billing/V2026_12_16_0901__purchase_unused_handed_on.sql', -1758948935, 'postgres', '2026-12-07 14:58:02.014663', 1, true);
INSERT INTO public.flyway_schema_history VALUES (69, '2026.12.17.0100', 'debt paid entries', 'SQL', 'ledger/V2026_12_17_0100__debt_paid_entries.sql', 1533604499, 'postgres', '2026-12-07 14:58:02.023647', 1, true);
INSERT INTO public.flyway_schema_history VALUES (70, '2026.12.18.0100', 'purchase switch clawed', 'SQL', 'billing/V2026_12_18_0100__purchase_switch_clawed.sql', -1489852721, 'postgres', '2026-12-07 14:58:02.030043', 3, true);
INSERT INTO public.flyway_schema_history VALUES (71, '2026.12.18.0200', 'purchase refund answers', 'SQL', 'billing/V2026_12_18_0200__purchase_refund_answers.sql', 952037227, 'postgres', '2026-12-07 14:58:02.039663', 1, true);
INSERT INTO public.flyway_schema_history VALUES (72, '2026.12.18.0300', 'login devices', 'SQL', 'identity/V2026_12_18_0300__login_devices.sql', -1999891959, 'postgres', '2026-12-07 14:58:02.042726', 20, true);
INSERT INTO public.flyway_schema_history VALUES (73, '2026.12.19.0710', 'checkout user open idx', 'SQL', 'billing/V2026_12_19_0710__checkout_user_open_idx.sql', 140039699, 'postgres', '2026-12-07 14:58:02.071366', 10, true);
INSERT INTO public.flyway_schema_history VALUES (74, '2026.12.20.0410', 'period unused credited end', 'SQL', 'billing/V2026_12_20_0410__period_unused_credited_end.sql', 1700387821, 'postgres', '2026-12-07 14:58:02.088164', 1, true);
INSERT INTO public.flyway_schema_history VALUES (75, '2026.12.21.0100', 'checkout offer', 'SQL', 'billing/V2026_12_21_0100__checkout_offer.sql', 191320333, 'postgres', '2026-12-07 14:58:02.095568', 1, true);
INSERT INTO public.flyway_schema_history VALUES (76, '2026.12.21.0731', 'provider status operator resume', 'SQL', 'provider/V2026_12_21_0731__provider_status_operator_resume.sql', -277632679, 'postgres', '2026-12-07 14:58:02.099819', 1, true);
INSERT INTO public.flyway_schema_history VALUES (77, '2026.12.21.0732', 'mail outbox send round', 'SQL', 'notify/V2026_12_21_0732__mail_outbox_send_round.sql', -1866059284, 'postgres', '2026-12-07 14:58:02.102359', 1, true);
INSERT INTO public.flyway_schema_history VALUES (78, '2026.12.22.0840', 'submit mark id', 'SQL', 'generation/V2026_12_22_0840__submit_mark_id.sql', -184107398, 'postgres', '2026-12-07 14:58:02.107856', 0, true);
INSERT INTO public.flyway_schema_history VALUES (79, '2026.12.23.0310', 'give back reverses', 'SQL', 'ledger/V2026_12_23_0310__give_back_reverses.sql', -891217244, 'postgres', '2026-12-07 14:58:02.110741', 0, true);
INSERT INTO public.flyway_schema_history VALUES (80, '2026.12.23.0320', 'expiry mark final', 'SQL', 'ledger/V2026_12_23_0320__expiry_mark_final.sql', -744193460, 'postgres', '2026-12-07 14:58:02.113305', 1, true);
INSERT INTO public.flyway_schema_history VALUES (81, '2026.12.23.0900', 'late checks ended', 'SQL', 'generation/V2026_12_23_0900__late_checks_ended.sql', 940676895, 'postgres', '2026-12-07 14:58:02.118321', 0, true);


--
-- Data for Name: generation_asset; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_asset VALUES ('ast_36b71393f114448cabefe0b7034d7564', 'gen_w89fOdiw-N7RS6tnupD1', 1, 'jobs/1/gen_w89fOdiw-N7RS6tnupD1.png', 'image/png', 26156, '4303a5b37219daa161c72bc7f355ea7a75d2e5728b0d7540dd2ea9501cb83a59', 'http://127.0.0.1:18437/sim/kie/files/0d7181e12295ccbf70d481e557ee6b05/output.png', '2026-12-07 14:59:12.207979+00', NULL);
INSERT INTO public.generation_asset VALUES ('ast_6995560b125e466eaca5b47da881f567', 'gen_RJe1X_53UUhmVRbMkPQO', 3, 'jobs/3/gen_RJe1X_53UUhmVRbMkPQO.png', 'image/png', 26156, '4303a5b37219daa161c72bc7f355ea7a75d2e5728b0d7540dd2ea9501cb83a59', 'http://127.0.0.1:18437/sim/kie/files/f1449ada51b6d28d04250b8d9f38d6b6/output.png', '2026-12-07 14:59:12.351301+00', NULL);


--
-- Data for Name: generation_job; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_job VALUES ('gen_w89fOdiw-N7RS6tnupD1', 1, 'IMAGE', 'flux-dev', 'a lighthouse before the upgrade', '{"resolution":"1K","outputFormat":"png"}', 'flux-dev', '{"prompt":"a lighthouse before the upgrade","output_format":"png","resolution":"1K"}', 5, 'SUCCEEDED', '0d7181e12295ccbf70d481e557ee6b05', 'y5kZuIdke5t10jYn8kjGiY0KMzFwHRQc', 100, NULL, NULL, 5, 'ast_36b71393f114448cabefe0b7034d7564', false, '2026-12-07 14:59:05.324915+00', 1, 5, '2026-12-07 14:59:05.299339+00', '2026-12-07 14:59:12.207979+00', '2026-12-07 14:59:05.3573+00', '2026-12-07 14:59:12.207979+00', '2026-12-07 15:14:05.299339+00', NULL, NULL, 0, '204c8d30-782d-4e0a-b9bf-75b9f8226db6', NULL);
INSERT INTO public.generation_job VALUES ('gen_RJe1X_53UUhmVRbMkPQO', 3, 'IMAGE', 'flux-dev', 'a lighthouse before the upgrade', '{"resolution":"1K","outputFormat":"png"}', 'flux-dev', '{"prompt":"a lighthouse before the upgrade","output_format":"png","resolution":"1K"}', 5, 'SUCCEEDED', 'f1449ada51b6d28d04250b8d9f38d6b6', 'xU3WUQSsZpzcEhpuETp3cbI4SUR9dDSX', 100, NULL, NULL, 5, 'ast_6995560b125e466eaca5b47da881f567', false, '2026-12-07 14:59:05.236978+00', 1, 5, '2026-12-07 14:59:05.194233+00', '2026-12-07 14:59:12.351301+00', '2026-12-07 14:59:05.358219+00', '2026-12-07 14:59:12.351301+00', '2026-12-07 15:14:05.194233+00', NULL, NULL, 0, 'f5a31196-9286-4dba-8571-07b1c4a9ee03', NULL);


--
-- Data for Name: generation_limit; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_limit VALUES (3, 'IMAGE', '2026-12-07 15:02:05.194233+00', false);
INSERT INTO public.generation_limit VALUES (1, 'IMAGE', '2026-12-07 15:02:05.299339+00', false);


--
-- Data for Name: generation_provider_task; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_provider_task VALUES ('0d7181e12295ccbf70d481e557ee6b05', 'gen_w89fOdiw-N7RS6tnupD1');
INSERT INTO public.generation_provider_task VALUES ('f1449ada51b6d28d04250b8d9f38d6b6', 'gen_RJe1X_53UUhmVRbMkPQO');


--
-- Data for Name: idempotency_record; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ledger_entry; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ledger_entry VALUES (1, 1, 'GRANT', 1000, 1000, 0, 0, 'demo-seed:1', 'SIGNUP', 'demo account', '2026-12-07 14:58:09.316552+00');
INSERT INTO public.ledger_entry VALUES (2, 3, 'GRANT', 15, 15, 0, 0, 'signup:3', 'SIGNUP', 'sign-up bonus', '2026-12-07 14:58:37.844675+00');
INSERT INTO public.ledger_entry VALUES (3, 3, 'GRANT', 500, 500, 0, 0, 'creem:order:sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab', 'PURCHASE', 'purchase of pack-500', '2026-12-07 14:59:01.614381+00');
INSERT INTO public.ledger_entry VALUES (4, 3, 'GRANT', 500, 500, 0, 0, 'creem:period:sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5:1796655541:month:2026-12', 'SUBSCRIPTION', 'pro-monthly credits for 2026-12', '2026-12-07 14:59:01.806029+00');
INSERT INTO public.ledger_entry VALUES (5, 3, 'HOLD', 5, 0, 5, 0, 'gen_RJe1X_53UUhmVRbMkPQO', NULL, NULL, '2026-12-07 14:59:05.211344+00');
INSERT INTO public.ledger_entry VALUES (6, 1, 'HOLD', 5, 0, 5, 0, 'gen_w89fOdiw-N7RS6tnupD1', NULL, NULL, '2026-12-07 14:59:05.306124+00');
INSERT INTO public.ledger_entry VALUES (7, 1, 'CAPTURE', 5, -5, -5, 0, 'gen_w89fOdiw-N7RS6tnupD1', NULL, NULL, '2026-12-07 14:59:12.215502+00');
INSERT INTO public.ledger_entry VALUES (8, 3, 'CAPTURE', 5, -5, -5, 0, 'gen_RJe1X_53UUhmVRbMkPQO', NULL, NULL, '2026-12-07 14:59:12.355175+00');


--
-- Data for Name: ledger_expiry_sweep; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ledger_expiry_sweep VALUES (1, 1, '2026-12-07 14:59:07.833136+00', '2026-12-07 14:58:37.80405+00', 2, '1132');


--
-- Data for Name: login_device; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.login_device VALUES ('e24741e918e10b3a77ec599afa97faf620920fcc08851053940c4030ca314905', 'ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976', 0, '2026-12-07 14:58:42.072085+00');


--
-- Data for Name: login_throttle_account; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.login_throttle_account VALUES ('ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976', 5, '2026-12-07 14:58:52.631537+00', '2026-12-07 14:58:51.631537+00');
INSERT INTO public.login_throttle_account VALUES ('e788ea2014693dcdb86767aceb3860a432fc626c6477a6c53016aff40726842b', 2, NULL, '2026-12-07 14:58:52.196746+00');


--
-- Data for Name: login_throttle_client; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.login_throttle_client VALUES ('127.0.0.1', '2026-12-07 14:58:41.691384+00', 7, NULL);


--
-- Data for Name: mail_outbox; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.mail_outbox VALUES (1, 'verification:1|user:3|email', 'verify-email', 'alice@example.com', 3, 'Confirm your email address for renderbank', 'Please confirm your email address alice@example.com by opening this link:

http://localhost:18437/verify-email?token=rb_L_WwWpl4NjSif_yf5jCkdxkpcYzBQQBsg_8l6agJhZ8

If you did not sign up, ignore this email.
', '<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>renderbank</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;font-size:18px">renderbank</p>
<h1 style="margin:0 0 12px;font-size:20px">Confirm your email address</h1>
<p style="margin:0 0 12px;line-height:1.5">Please confirm <strong>alice@example.com</strong> by opening this link:</p>
<p style="margin:0 0 12px;line-height:1.5"><a href="http://localhost:18437/verify-email?token=rb_L_WwWpl4NjSif_yf5jCkdxkpcYzBQQBsg_8l6agJhZ8" style="display:inline-block;background:#2b5cd6;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">Confirm my address</a></p>
<p style="margin:0 0 12px;line-height:1.5;font-size:13px;color:#555">http://localhost:18437/verify-email?token=rb_L_WwWpl4NjSif_yf5jCkdxkpcYzBQQBsg_8l6agJhZ8</p>
<p style="margin:0 0 12px;line-height:1.5;font-size:13px;color:#555">If you did not sign up, ignore this email.</p>
<p style="margin:24px 0 0;font-size:12px;color:#777"><span>renderbank</span> · <a href="http://localhost:18437" style="color:#777">http://localhost:18437</a></p>
</div>
</body>
</html>
', 'HELD', 0, '2026-12-07 14:58:35.31319+00', NULL, '2026-12-07 14:58:35.31319+00', NULL, 0);
INSERT INTO public.mail_outbox VALUES (2, 'password-reset:2|user:3|email', 'password-reset', 'alice@example.com', 3, 'Reset your renderbank password', 'Someone (hopefully you) asked to reset the password of alice@example.com. To choose a new one, open:

http://localhost:18437/password/reset?token=rb_EiNvgool7hVmgEXdsVe7H7bTtpaspcYgjpgAVY3g-JI

If it was not you, ignore this email: your password stays as it is.
', '<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>renderbank</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;font-size:18px">renderbank</p>
<h1 style="margin:0 0 12px;font-size:20px">Reset your password</h1>
<p style="margin:0 0 12px;line-height:1.5">Someone (hopefully you) asked to reset the password of <strong>alice@example.com</strong>.</p>
<p style="margin:0 0 12px;line-height:1.5"><a href="http://localhost:18437/password/reset?token=rb_EiNvgool7hVmgEXdsVe7H7bTtpaspcYgjpgAVY3g-JI" style="display:inline-block;background:#2b5cd6;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">Choose a new password</a></p>
<p style="margin:0 0 12px;line-height:1.5;font-size:13px;color:#555">http://localhost:18437/password/reset?token=rb_EiNvgool7hVmgEXdsVe7H7bTtpaspcYgjpgAVY3g-JI</p>
<p style="margin:0 0 12px;line-height:1.5;font-size:13px;color:#555">If it was not you, ignore this email: your password stays as it is.</p>
<p style="margin:24px 0 0;font-size:12px;color:#777"><span>renderbank</span> · <a href="http://localhost:18437" style="color:#777">http://localhost:18437</a></p>
</div>
</body>
</html>
', 'HELD', 0, '2026-12-07 14:58:53.481775+00', NULL, '2026-12-07 14:58:53.481775+00', NULL, 0);
INSERT INTO public.mail_outbox VALUES (3, 'purchase:creem:order:sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab|user:3|email', 'purchase', 'alice@example.com', 3, 'Your renderbank purchase: 500 credits added', 'Thank you for your purchase.

Product:       pack-500
Amount paid:   $22.90
Credits added: 500
Available now: 1015 credits

Your account: http://localhost:18437/account
', '<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>renderbank</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;font-size:18px">renderbank</p>
<h1 style="margin:0 0 12px;font-size:20px">Thank you for your purchase</h1>
<table style="border-collapse:collapse;margin:0 0 12px"><tr><td style="padding:4px 16px 4px 0;color:#555">Product</td><td style="padding:4px 0;font-weight:600">pack-500</td></tr><tr><td style="padding:4px 16px 4px 0;color:#555">Amount paid</td><td style="padding:4px 0;font-weight:600">$22.90</td></tr><tr><td style="padding:4px 16px 4px 0;color:#555">Credits added</td><td style="padding:4px 0;font-weight:600">500</td></tr><tr><td style="padding:4px 16px 4px 0;color:#555">Available now</td><td style="padding:4px 0;font-weight:600">1015 credits</td></tr></table>
<p style="margin:0 0 12px;line-height:1.5"><a href="http://localhost:18437/account" style="display:inline-block;background:#2b5cd6;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">Open your account</a></p>
<p style="margin:24px 0 0;font-size:12px;color:#777"><span>renderbank</span> · <a href="http://localhost:18437" style="color:#777">http://localhost:18437</a></p>
</div>
</body>
</html>
', 'HELD', 0, '2026-12-07 14:59:01.841781+00', NULL, '2026-12-07 14:59:01.841781+00', NULL, 0);
INSERT INTO public.mail_outbox VALUES (4, 'purchase:creem:period:sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5:1796655541|user:3|email', 'purchase', 'alice@example.com', 3, 'Your renderbank purchase: 500 credits added', 'Thank you for your purchase.

Product:       pro-monthly
Amount paid:   $19.90
Credits added: 500
Available now: 1015 credits

Your account: http://localhost:18437/account
', '<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>renderbank</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;font-size:18px">renderbank</p>
<h1 style="margin:0 0 12px;font-size:20px">Thank you for your purchase</h1>
<table style="border-collapse:collapse;margin:0 0 12px"><tr><td style="padding:4px 16px 4px 0;color:#555">Product</td><td style="padding:4px 0;font-weight:600">pro-monthly</td></tr><tr><td style="padding:4px 16px 4px 0;color:#555">Amount paid</td><td style="padding:4px 0;font-weight:600">$19.90</td></tr><tr><td style="padding:4px 16px 4px 0;color:#555">Credits added</td><td style="padding:4px 0;font-weight:600">500</td></tr><tr><td style="padding:4px 16px 4px 0;color:#555">Available now</td><td style="padding:4px 0;font-weight:600">1015 credits</td></tr></table>
<p style="margin:0 0 12px;line-height:1.5"><a href="http://localhost:18437/account" style="display:inline-block;background:#2b5cd6;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">Open your account</a></p>
<p style="margin:24px 0 0;font-size:12px;color:#777"><span>renderbank</span> · <a href="http://localhost:18437" style="color:#777">http://localhost:18437</a></p>
</div>
</body>
</html>
', 'HELD', 0, '2026-12-07 14:59:02.829934+00', NULL, '2026-12-07 14:59:02.829934+00', NULL, 0);
INSERT INTO public.mail_outbox VALUES (5, 'generation:gen_w89fOdiw-N7RS6tnupD1|user:1|email', 'generation-ready', 'demo@renderbank.local', 1, 'Your image is ready', 'Your image (flux-dev) has finished.

See it here: http://localhost:18437/creations/gen_w89fOdiw-N7RS6tnupD1

(This link opens it in your account; it does not expire.)

Turn off emails about finished generations on your account page: http://localhost:18437/account#emails
', '<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>renderbank</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;font-size:18px">renderbank</p>
<h1 style="margin:0 0 12px;font-size:20px">Your <span>image</span> is ready</h1>
<p style="margin:0 0 12px;line-height:1.5">Your <span>image</span> (<span>flux-dev</span>) has finished.</p>
<p style="margin:0 0 12px;line-height:1.5"><a href="http://localhost:18437/creations/gen_w89fOdiw-N7RS6tnupD1" style="display:inline-block;background:#2b5cd6;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">See it</a></p>
<p style="margin:0 0 12px;line-height:1.5;font-size:13px;color:#555">The link opens it in your account; it does not expire.</p>
<p style="margin:24px 0 0;font-size:12px;color:#777"><span>renderbank</span> · <a href="http://localhost:18437" style="color:#777">http://localhost:18437</a><br>You can turn off emails about finished generations on <a href="http://localhost:18437/account#emails" style="color:#777">your account page</a>.</p>
</div>
</body>
</html>
', 'HELD', 0, '2026-12-07 14:59:12.305308+00', NULL, '2026-12-07 14:59:12.305308+00', NULL, 0);
INSERT INTO public.mail_outbox VALUES (6, 'generation:gen_RJe1X_53UUhmVRbMkPQO|user:3|email', 'generation-ready', 'alice@example.com', 3, 'Your image is ready', 'Your image (flux-dev) has finished.

See it here: http://localhost:18437/creations/gen_RJe1X_53UUhmVRbMkPQO

(This link opens it in your account; it does not expire.)

Turn off emails about finished generations on your account page: http://localhost:18437/account#emails
', '<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>renderbank</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #e2e2de;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:600;font-size:18px">renderbank</p>
<h1 style="margin:0 0 12px;font-size:20px">Your <span>image</span> is ready</h1>
<p style="margin:0 0 12px;line-height:1.5">Your <span>image</span> (<span>flux-dev</span>) has finished.</p>
<p style="margin:0 0 12px;line-height:1.5"><a href="http://localhost:18437/creations/gen_RJe1X_53UUhmVRbMkPQO" style="display:inline-block;background:#2b5cd6;color:#fff;text-decoration:none;padding:10px 16px;border-radius:6px">See it</a></p>
<p style="margin:0 0 12px;line-height:1.5;font-size:13px;color:#555">The link opens it in your account; it does not expire.</p>
<p style="margin:24px 0 0;font-size:12px;color:#777"><span>renderbank</span> · <a href="http://localhost:18437" style="color:#777">http://localhost:18437</a><br>You can turn off emails about finished generations on <a href="http://localhost:18437/account#emails" style="color:#777">your account page</a>.</p>
</div>
</body>
</html>
', 'HELD', 0, '2026-12-07 14:59:13.381199+00', NULL, '2026-12-07 14:59:13.381199+00', NULL, 0);


--
-- Data for Name: notification_setting; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: operation_switch; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: operator_action; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: operator_alert; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: payment_event; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.payment_event VALUES (1, 'simulated', 'sim_evt_chk_0af80ed1882e4579bf4c3d8298a021ab_checkout', 'checkout.completed', '{"id":"sim_evt_chk_0af80ed1882e4579bf4c3d8298a021ab_checkout","eventType":"checkout.completed","created_at":1796655541600,"object":{"id":"sim_ch_chk_0af80ed1882e4579bf4c3d8298a021ab","object":"checkout","request_id":"chk_0af80ed1882e4579bf4c3d8298a021ab","status":"completed","order":{"id":"sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab","product":"prod_local_pack-500","amount":2290,"currency":"USD","status":"paid","type":"onetime"},"product":{"id":"prod_local_pack-500","price":2290},"customer":{"email":"alice@example.com"},"metadata":{"userId":"3","product":"pack-500","checkoutId":"chk_0af80ed1882e4579bf4c3d8298a021ab"}}}', 'PROCESSED', 1, 'granted 500 credits for pack-500', NULL, '2026-12-07 14:59:01.602716+00', '2026-12-07 14:59:01.619997+00');
INSERT INTO public.payment_event VALUES (2, 'simulated', 'sim_evt_chk_df053c5cfff246afa27d59a31fe95ec5_checkout', 'checkout.completed', '{"id":"sim_evt_chk_df053c5cfff246afa27d59a31fe95ec5_checkout","eventType":"checkout.completed","created_at":1796655541791,"object":{"id":"sim_ch_chk_df053c5cfff246afa27d59a31fe95ec5","object":"checkout","request_id":"chk_df053c5cfff246afa27d59a31fe95ec5","status":"completed","order":{"id":"sim_ord_chk_df053c5cfff246afa27d59a31fe95ec5","product":"prod_local_pro-monthly","amount":1990,"currency":"USD","status":"paid","type":"recurring"},"product":{"id":"prod_local_pro-monthly","price":1990},"customer":{"email":"alice@example.com"},"metadata":{"userId":"3","product":"pro-monthly","checkoutId":"chk_df053c5cfff246afa27d59a31fe95ec5"},"subscription":{"id":"sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5","status":"active"}}}', 'PROCESSED', 1, 'subscription sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5 recorded; credits come with subscription.paid', NULL, '2026-12-07 14:59:01.792343+00', '2026-12-07 14:59:01.795279+00');
INSERT INTO public.payment_event VALUES (3, 'simulated', 'sim_evt_chk_df053c5cfff246afa27d59a31fe95ec5_paid', 'subscription.paid', '{"id":"sim_evt_chk_df053c5cfff246afa27d59a31fe95ec5_paid","eventType":"subscription.paid","created_at":1796655541791,"object":{"id":"sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5","object":"subscription","status":"active","product":{"id":"prod_local_pro-monthly"},"customer":{"email":"alice@example.com"},"last_transaction_id":"sim_txn_chk_df053c5cfff246afa27d59a31fe95ec5","last_transaction":{"id":"sim_txn_chk_df053c5cfff246afa27d59a31fe95ec5","order":"sim_ord_chk_df053c5cfff246afa27d59a31fe95ec5","amount":1990,"currency":"USD"},"current_period_start_date":"2026-12-07T14:59:01.791720242Z","current_period_end_date":"2027-01-07T14:59:01.791720242Z","metadata":{"userId":"3","product":"pro-monthly","checkoutId":"chk_df053c5cfff246afa27d59a31fe95ec5"}}}', 'PROCESSED', 1, 'period of pro-monthly recorded, 500 credits granted now', NULL, '2026-12-07 14:59:01.795907+00', '2026-12-07 14:59:01.813069+00');


--
-- Data for Name: provider_balance; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.provider_balance VALUES (1, NULL, false, NULL);


--
-- Data for Name: provider_status; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.provider_status VALUES (1, 'AVAILABLE', '2026-12-07 14:58:01.118984+00', NULL, NULL, NULL, NULL, 0, 0, NULL, false);


--
-- Data for Name: reconciliation_finding; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: reconciliation_run; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.reconciliation_run VALUES (1, 'SCHEDULED', NULL, '2026-12-05 14:58:07.743963+00', '2026-12-07 14:58:07.743963+00', '2026-12-07 14:58:07.810265+00', 0, '["creem: CREEM_API_KEY is not set", "stripe: STRIPE_API_KEY is not set"]');


--
-- Data for Name: request_limit; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.request_limit VALUES ('signup:client:127.0.0.1', '2026-12-07 14:58:33.927274+00', 1);
INSERT INTO public.request_limit VALUES ('signup:address:ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976', '2026-12-07 14:58:33.928698+00', 1);
INSERT INTO public.request_limit VALUES ('forgot:client:127.0.0.1', '2026-12-07 14:58:52.393535+00', 1);
INSERT INTO public.request_limit VALUES ('forgot:address:ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976', '2026-12-07 14:58:52.395543+00', 1);


--
-- Data for Name: scheduled_tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.scheduled_tasks VALUES ('provider-balance-check', 'recurring', NULL, '2026-12-07 15:03:07.584005+00', false, NULL, NULL, NULL, NULL, NULL, 1, NULL);
INSERT INTO public.scheduled_tasks VALUES ('identity-sweep', 'recurring', NULL, '2026-12-07 15:58:07.664695+00', false, NULL, '2026-12-07 14:58:07.664695+00', NULL, 0, NULL, 3, NULL);
INSERT INTO public.scheduled_tasks VALUES ('ops-reconcile', 'recurring', NULL, '2026-12-08 14:58:07.86001+00', false, NULL, '2026-12-07 14:58:07.86001+00', NULL, 0, NULL, 3, NULL);
INSERT INTO public.scheduled_tasks VALUES ('generation-sweeper', 'recurring', NULL, '2026-12-07 14:59:37.833419+00', false, NULL, '2026-12-07 14:59:07.833419+00', NULL, 0, NULL, 7, NULL);
INSERT INTO public.scheduled_tasks VALUES ('provider-status-recheck', 'recurring', NULL, '2026-12-07 15:00:07.835024+00', false, NULL, '2026-12-07 14:59:07.835024+00', NULL, 0, NULL, 3, NULL);
INSERT INTO public.scheduled_tasks VALUES ('ledger-hold-expiry', 'recurring', NULL, '2026-12-07 14:59:37.838554+00', false, NULL, '2026-12-07 14:59:07.838554+00', NULL, 0, NULL, 7, NULL);
INSERT INTO public.scheduled_tasks VALUES ('notify-webhook-sender', 'recurring', NULL, '2026-12-07 14:59:28.396552+00', false, NULL, '2026-12-07 14:59:23.396552+00', NULL, 0, NULL, 31, NULL);
INSERT INTO public.scheduled_tasks VALUES ('billing-monthly-grants', 'recurring', NULL, '2026-12-07 14:59:39.405315+00', false, NULL, '2026-12-07 14:59:24.405315+00', NULL, 0, NULL, 13, NULL);
INSERT INTO public.scheduled_tasks VALUES ('billing-webhook-retry', 'recurring', NULL, '2026-12-07 14:59:39.405711+00', false, NULL, '2026-12-07 14:59:24.405711+00', NULL, 0, NULL, 13, NULL);
INSERT INTO public.scheduled_tasks VALUES ('notify-mail-sender', 'recurring', NULL, '2026-12-07 14:59:30.400075+00', false, NULL, '2026-12-07 14:59:25.400075+00', NULL, 0, NULL, 33, NULL);
INSERT INTO public.scheduled_tasks VALUES ('notify-operator-alerts', 'recurring', NULL, '2026-12-07 14:59:31.408565+00', false, NULL, '2026-12-07 14:59:26.408565+00', NULL, 0, NULL, 33, NULL);
INSERT INTO public.scheduled_tasks VALUES ('kie-simulator-callbacks', 'recurring', NULL, '2026-12-07 14:59:28.411879+00', false, NULL, '2026-12-07 14:59:27.411879+00', NULL, 0, NULL, 93, NULL);


--
-- Data for Name: signup_bonus_claim; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.signup_bonus_claim VALUES ('\xe10ef8fa89fd66ff31a00a6c9447947ffd4c1bb01f09e9a6916c516fb942f5e6', 3, '2026-12-07 14:58:37.820944+00');


--
-- Data for Name: sim_account; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: sim_task; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sim_task VALUES ('f1449ada51b6d28d04250b8d9f38d6b6', 'flux-dev', 'IMAGE', '{"prompt":"a lighthouse before the upgrade","output_format":"png","resolution":"1K"}', 'http://localhost:18437/api/provider/kie/callback/gen_RJe1X_53UUhmVRbMkPQO?token=xU3WUQSsZpzcEhpuETp3cbI4SUR9dDSX', '2026-12-07 14:59:05.304787+00', 5000, false, 'DELIVERED', 1, '2026-12-07 14:59:10.304787+00', 5);
INSERT INTO public.sim_task VALUES ('0d7181e12295ccbf70d481e557ee6b05', 'flux-dev', 'IMAGE', '{"prompt":"a lighthouse before the upgrade","output_format":"png","resolution":"1K"}', 'http://localhost:18437/api/provider/kie/callback/gen_w89fOdiw-N7RS6tnupD1?token=y5kZuIdke5t10jYn8kjGiY0KMzFwHRQc', '2026-12-07 14:59:05.340207+00', 5000, false, 'DELIVERED', 1, '2026-12-07 14:59:10.340207+00', 5);


--
-- Data for Name: spring_session; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.spring_session VALUES ('71441d4f-a635-4504-9955-6865ae04cd17', '5b79ff50-df9c-4649-8622-23f31429c855', 1796655522052, 1796655541788, 1800, 1796657341788, 'alice@example.com');


--
-- Data for Name: spring_session_attributes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.spring_session_attributes VALUES ('71441d4f-a635-4504-9955-6865ae04cd17', 'renderbank.passwordStamp', '\xaced00057400206133343862356464666663643633306637316262303061616364616330623935');
INSERT INTO public.spring_session_attributes VALUES ('71441d4f-a635-4504-9955-6865ae04cd17', 'SPRING_SECURITY_CONTEXT', '\xaced00057372003d6f72672e737072696e676672616d65776f726b2e73656375726974792e636f72652e636f6e746578742e5365637572697479436f6e74657874496d706c000000000000026c0200014c000e61757468656e7469636174696f6e7400324c6f72672f737072696e676672616d65776f726b2f73656375726974792f636f72652f41757468656e7469636174696f6e3b78707372004f6f72672e737072696e676672616d65776f726b2e73656375726974792e61757468656e7469636174696f6e2e557365726e616d6550617373776f726441757468656e7469636174696f6e546f6b656e000000000000026c0200024c000b63726564656e7469616c737400124c6a6176612f6c616e672f4f626a6563743b4c00097072696e636970616c71007e0004787200476f72672e737072696e676672616d65776f726b2e73656375726974792e61757468656e7469636174696f6e2e416273747261637441757468656e7469636174696f6e546f6b656ed3aa287e6e47640e0200035a000d61757468656e746963617465644c000b617574686f7269746965737400164c6a6176612f7574696c2f436f6c6c656374696f6e3b4c000764657461696c7371007e0004787001737200266a6176612e7574696c2e436f6c6c656374696f6e7324556e6d6f6469666961626c654c697374fc0f2531b5ec8e100200014c00046c6973747400104c6a6176612f7574696c2f4c6973743b7872002c6a6176612e7574696c2e436f6c6c656374696f6e7324556e6d6f6469666961626c65436f6c6c656374696f6e19420080cb5ef71e0200014c00016371007e00067870737200136a6176612e7574696c2e41727261794c6973747881d21d99c7619d03000149000473697a65787000000002770400000002737200426f72672e737072696e676672616d65776f726b2e73656375726974792e636f72652e617574686f726974792e53696d706c654772616e746564417574686f72697479000000000000026c0200014c0004726f6c657400124c6a6176612f6c616e672f537472696e673b7870740009524f4c455f55534552737200426f72672e737072696e676672616d65776f726b2e73656375726974792e636f72652e617574686f726974792e466163746f724772616e746564417574686f726974791bba5be8bc9c1c100200024c0009617574686f7269747971007e000f4c000869737375656441747400134c6a6176612f74696d652f496e7374616e743b787074000f464143544f525f50415353574f52447372000d6a6176612e74696d652e536572955d84ba1b2248b20c00007870770d02000000006b16c9a202f4b740787871007e000d737200486f72672e737072696e676672616d65776f726b2e73656375726974792e7765622e61757468656e7469636174696f6e2e57656241757468656e7469636174696f6e44657461696c73000000000000026c0200024c000d72656d6f74654164647265737371007e000f4c000973657373696f6e496471007e000f78707400093132372e302e302e317070737200236465762e72656e64657262616e6b2e6964656e746974792e43757272656e7455736572622729848f1108630200045a0007656e61626c65644a000269644c0005656d61696c71007e000f4c0004726f6c6574001e4c6465762f72656e64657262616e6b2f6964656e746974792f526f6c653b7870010000000000000003740011616c696365406578616d706c652e636f6d7e72001c6465762e72656e64657262616e6b2e6964656e746974792e526f6c6500000000000000001200007872000e6a6176612e6c616e672e456e756d0000000000000000120000787074000455534552');
INSERT INTO public.spring_session_attributes VALUES ('71441d4f-a635-4504-9955-6865ae04cd17', 'org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository.CSRF_TOKEN', '\xaced0005737200366f72672e737072696e676672616d65776f726b2e73656375726974792e7765622e637372662e44656661756c7443737266546f6b656e5aefb7c82fa2fbd50200034c000a6865616465724e616d657400124c6a6176612f6c616e672f537472696e673b4c000d706172616d657465724e616d6571007e00014c0005746f6b656e71007e0001787074000c582d435352462d544f4b454e7400055f6373726674002435373837323364632d336633372d346466362d613436642d356132353130616431313831');


--
-- Data for Name: webhook_attempt; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.webhook_attempt VALUES ('msg_1ee97caf28ea015567174492', 1, '2026-12-07 14:59:05.831982+00', NULL, 'HttpHostConnectException: Connect to https://127.0.0.1:9 failed: Connection refused', NULL);
INSERT INTO public.webhook_attempt VALUES ('msg_8afa514706f05534729b3b68', 1, '2026-12-07 14:59:05.855884+00', NULL, 'HttpHostConnectException: Connect to https://127.0.0.1:9 failed: Connection refused', NULL);
INSERT INTO public.webhook_attempt VALUES ('msg_26a42473f4bb1ddc40d852cc', 1, '2026-12-07 14:59:17.385813+00', NULL, 'HttpHostConnectException: Connect to https://127.0.0.1:9 failed: Connection refused', NULL);


--
-- Data for Name: webhook_delivery; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.webhook_delivery VALUES ('msg_1ee97caf28ea015567174492', 'we_dd6a7ebfae5fe43659334dbc', 3, 'credits.granted|purchase:creem:order:sim_ord_chk_0af80ed1882e4579bf4c3d8298a021ab', 'credits.granted', '{"type":"credits.granted","timestamp":"2026-12-07T14:59:01.827730682Z","data":{"balance":1015,"held":0,"available":1015,"debt":0,"change":500,"reason":"purchase"}}', 'PENDING', 1, '2026-12-07 14:59:35.837796+00', '2026-12-08 14:59:01.827731+00', NULL, 'HttpHostConnectException: Connect to https://127.0.0.1:9 failed: Connection refused', '2026-12-07 14:59:01.827731+00', NULL, 0, NULL);
INSERT INTO public.webhook_delivery VALUES ('msg_8afa514706f05534729b3b68', 'we_dd6a7ebfae5fe43659334dbc', 3, 'credits.granted|purchase:creem:period:sim_sub_chk_df053c5cfff246afa27d59a31fe95ec5:1796655541', 'credits.granted', '{"type":"credits.granted","timestamp":"2026-12-07T14:59:02.820858179Z","data":{"balance":1015,"held":0,"available":1015,"debt":0,"change":500,"reason":"purchase"}}', 'PENDING', 1, '2026-12-07 14:59:35.85711+00', '2026-12-08 14:59:02.820858+00', NULL, 'HttpHostConnectException: Connect to https://127.0.0.1:9 failed: Connection refused', '2026-12-07 14:59:02.820858+00', NULL, 0, NULL);
INSERT INTO public.webhook_delivery VALUES ('msg_26a42473f4bb1ddc40d852cc', 'we_dd6a7ebfae5fe43659334dbc', 3, 'generation.completed|generation-finished:gen_RJe1X_53UUhmVRbMkPQO', 'generation.completed', '{"type":"generation.completed","timestamp":"2026-12-07T14:59:13.376874906Z","data":{"taskId":"gen_RJe1X_53UUhmVRbMkPQO","type":"image","model":"flux-dev","status":"completed","progress":100,"creditsHeld":0,"creditsCharged":5,"assetUrl":"/api/v1/assets/ast_6995560b125e466eaca5b47da881f567","error":null,"createdAt":"2026-12-07T14:59:05.194233Z","completedAt":"2026-12-07T14:59:12.351301Z","prompt":"a lighthouse before the upgrade","options":{"resolution":"1K","outputFormat":"png"}}}', 'PENDING', 1, '2026-12-07 14:59:47.387183+00', '2026-12-08 14:59:13.376875+00', NULL, 'HttpHostConnectException: Connect to https://127.0.0.1:9 failed: Connection refused', '2026-12-07 14:59:13.376875+00', NULL, 0, NULL);


--
-- Data for Name: webhook_endpoint; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.webhook_endpoint VALUES ('we_dd6a7ebfae5fe43659334dbc', 3, 'https://127.0.0.1:9/hooks/renderbank', '{generation.completed,credits.granted}', 'whsec_3Yt9jpl5C9fvnklucs32PwLZfsRJgc8lrqi9FUdg3bU=', '2026-12-07 14:59:01.399905+00', '2026-12-07 14:59:05.831982+00', NULL, 0, NULL);


--
-- Data for Name: webhook_signature_alert; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: webhook_signature_failure; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Name: api_token_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_token_id_seq', 3, true);


--
-- Name: app_user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.app_user_id_seq', 3, true);


--
-- Name: billing_purchase_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_purchase_id_seq', 2, true);


--
-- Name: billing_referral_grant_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_referral_grant_id_seq', 1, false);


--
-- Name: credit_clawback_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.credit_clawback_id_seq', 1, false);


--
-- Name: credit_grant_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.credit_grant_id_seq', 4, true);


--
-- Name: credit_hold_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.credit_hold_seq_seq', 2, true);


--
-- Name: debt_waiver_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.debt_waiver_id_seq', 1, false);


--
-- Name: email_token_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.email_token_id_seq', 2, true);


--
-- Name: ledger_entry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ledger_entry_id_seq', 8, true);


--
-- Name: mail_outbox_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.mail_outbox_id_seq', 6, true);


--
-- Name: operator_action_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.operator_action_id_seq', 1, false);


--
-- Name: operator_alert_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.operator_alert_id_seq', 1, false);


--
-- Name: payment_event_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payment_event_id_seq', 3, true);


--
-- Name: reconciliation_finding_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.reconciliation_finding_id_seq', 1, false);


--
-- Name: reconciliation_run_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.reconciliation_run_id_seq', 1, true);


--
-- Name: api_token api_token_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_pkey PRIMARY KEY (id);


--
-- Name: api_token api_token_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_token_hash_key UNIQUE (token_hash);


--
-- Name: app_user app_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_pkey PRIMARY KEY (id);


--
-- Name: billing_checkin billing_checkin_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_checkin
    ADD CONSTRAINT billing_checkin_pkey PRIMARY KEY (user_id, kind, day);


--
-- Name: billing_checkout billing_checkout_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_checkout
    ADD CONSTRAINT billing_checkout_pkey PRIMARY KEY (id);


--
-- Name: billing_checkout_rate billing_checkout_rate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_checkout_rate
    ADD CONSTRAINT billing_checkout_rate_pkey PRIMARY KEY (user_id);


--
-- Name: billing_dispute billing_dispute_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_dispute
    ADD CONSTRAINT billing_dispute_pkey PRIMARY KEY (provider, dispute_id);


--
-- Name: billing_invoice_payment billing_invoice_payment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoice_payment
    ADD CONSTRAINT billing_invoice_payment_pkey PRIMARY KEY (provider, invoice_id, ref);


--
-- Name: billing_purchase_grant billing_purchase_grant_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase_grant
    ADD CONSTRAINT billing_purchase_grant_pkey PRIMARY KEY (grant_key);


--
-- Name: billing_purchase billing_purchase_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase
    ADD CONSTRAINT billing_purchase_pkey PRIMARY KEY (id);


--
-- Name: billing_purchase billing_purchase_purchase_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase
    ADD CONSTRAINT billing_purchase_purchase_key_key UNIQUE (purchase_key);


--
-- Name: billing_purchase_ref billing_purchase_ref_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase_ref
    ADD CONSTRAINT billing_purchase_ref_pkey PRIMARY KEY (provider, ref);


--
-- Name: billing_referral_code billing_referral_code_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral_code
    ADD CONSTRAINT billing_referral_code_code_key UNIQUE (code);


--
-- Name: billing_referral_code billing_referral_code_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral_code
    ADD CONSTRAINT billing_referral_code_pkey PRIMARY KEY (user_id);


--
-- Name: billing_referral_grant billing_referral_grant_grant_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral_grant
    ADD CONSTRAINT billing_referral_grant_grant_key_key UNIQUE (grant_key);


--
-- Name: billing_referral_grant billing_referral_grant_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral_grant
    ADD CONSTRAINT billing_referral_grant_pkey PRIMARY KEY (id);


--
-- Name: billing_referral billing_referral_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral
    ADD CONSTRAINT billing_referral_pkey PRIMARY KEY (referee_id);


--
-- Name: billing_refund billing_refund_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_refund
    ADD CONSTRAINT billing_refund_pkey PRIMARY KEY (provider, refund_id);


--
-- Name: billing_signup_bonus_wait billing_signup_bonus_wait_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_signup_bonus_wait
    ADD CONSTRAINT billing_signup_bonus_wait_pkey PRIMARY KEY (user_id);


--
-- Name: billing_subscription_period billing_subscription_period_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_subscription_period
    ADD CONSTRAINT billing_subscription_period_pkey PRIMARY KEY (purchase_id);


--
-- Name: billing_subscription_period billing_subscription_period_provider_subscription_id_period_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_subscription_period
    ADD CONSTRAINT billing_subscription_period_provider_subscription_id_period_key UNIQUE (provider, subscription_id, period_start);


--
-- Name: billing_subscription billing_subscription_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_subscription
    ADD CONSTRAINT billing_subscription_pkey PRIMARY KEY (provider, subscription_id);


--
-- Name: credit_account credit_account_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_account
    ADD CONSTRAINT credit_account_pkey PRIMARY KEY (user_id);


--
-- Name: credit_clawback credit_clawback_clawback_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_clawback
    ADD CONSTRAINT credit_clawback_clawback_key_key UNIQUE (clawback_key);


--
-- Name: credit_clawback credit_clawback_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_clawback
    ADD CONSTRAINT credit_clawback_pkey PRIMARY KEY (id);


--
-- Name: credit_grant credit_grant_grant_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_grant
    ADD CONSTRAINT credit_grant_grant_key_key UNIQUE (grant_key);


--
-- Name: credit_grant credit_grant_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_grant
    ADD CONSTRAINT credit_grant_pkey PRIMARY KEY (id);


--
-- Name: credit_grant credit_grant_reverses_whole; Type: CHECK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE public.credit_grant
    ADD CONSTRAINT credit_grant_reverses_whole CHECK (((reverses_grants IS NULL) = (reverses_prefix IS NULL))) NOT VALID;


--
-- Name: credit_hold credit_hold_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_hold
    ADD CONSTRAINT credit_hold_pkey PRIMARY KEY (hold_key);


--
-- Name: credits_low_state credits_low_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credits_low_state
    ADD CONSTRAINT credits_low_state_pkey PRIMARY KEY (user_id);


--
-- Name: debt_waiver debt_waiver_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.debt_waiver
    ADD CONSTRAINT debt_waiver_pkey PRIMARY KEY (id);


--
-- Name: debt_waiver debt_waiver_waiver_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.debt_waiver
    ADD CONSTRAINT debt_waiver_waiver_key_key UNIQUE (waiver_key);


--
-- Name: email_token email_token_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_token
    ADD CONSTRAINT email_token_pkey PRIMARY KEY (id);


--
-- Name: email_token email_token_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_token
    ADD CONSTRAINT email_token_token_hash_key UNIQUE (token_hash);


--
-- Name: flyway_schema_history flyway_schema_history_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.flyway_schema_history
    ADD CONSTRAINT flyway_schema_history_pk PRIMARY KEY (installed_rank);


--
-- Name: generation_asset generation_asset_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_asset
    ADD CONSTRAINT generation_asset_pkey PRIMARY KEY (id);


--
-- Name: generation_job generation_job_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_job
    ADD CONSTRAINT generation_job_pkey PRIMARY KEY (id);


--
-- Name: generation_limit generation_limit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_limit
    ADD CONSTRAINT generation_limit_pkey PRIMARY KEY (user_id, type);


--
-- Name: generation_provider_task generation_provider_task_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_provider_task
    ADD CONSTRAINT generation_provider_task_pkey PRIMARY KEY (provider_task_id);


--
-- Name: idempotency_record idempotency_record_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_record
    ADD CONSTRAINT idempotency_record_pkey PRIMARY KEY (user_id, endpoint, idem_key);


--
-- Name: ledger_entry ledger_entry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entry
    ADD CONSTRAINT ledger_entry_pkey PRIMARY KEY (id);


--
-- Name: ledger_expiry_sweep ledger_expiry_sweep_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_expiry_sweep
    ADD CONSTRAINT ledger_expiry_sweep_pkey PRIMARY KEY (id);


--
-- Name: login_device login_device_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_device
    ADD CONSTRAINT login_device_pkey PRIMARY KEY (token_hash);


--
-- Name: login_throttle_account login_throttle_account_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_throttle_account
    ADD CONSTRAINT login_throttle_account_pkey PRIMARY KEY (email);


--
-- Name: login_throttle_client login_throttle_client_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_throttle_client
    ADD CONSTRAINT login_throttle_client_pkey PRIMARY KEY (client);


--
-- Name: mail_outbox mail_outbox_message_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_outbox
    ADD CONSTRAINT mail_outbox_message_key_key UNIQUE (message_key);


--
-- Name: mail_outbox mail_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_outbox
    ADD CONSTRAINT mail_outbox_pkey PRIMARY KEY (id);


--
-- Name: notification_setting notification_setting_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notification_setting
    ADD CONSTRAINT notification_setting_pkey PRIMARY KEY (user_id);


--
-- Name: operation_switch operation_switch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operation_switch
    ADD CONSTRAINT operation_switch_pkey PRIMARY KEY (name);


--
-- Name: operator_action operator_action_key_per_actor; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operator_action
    ADD CONSTRAINT operator_action_key_per_actor UNIQUE (actor, action, idempotency_key);


--
-- Name: operator_action operator_action_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operator_action
    ADD CONSTRAINT operator_action_pkey PRIMARY KEY (id);


--
-- Name: operator_alert operator_alert_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operator_alert
    ADD CONSTRAINT operator_alert_pkey PRIMARY KEY (id);


--
-- Name: payment_event payment_event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_event
    ADD CONSTRAINT payment_event_pkey PRIMARY KEY (id);


--
-- Name: payment_event payment_event_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_event
    ADD CONSTRAINT payment_event_unique UNIQUE (provider, event_id);


--
-- Name: provider_balance provider_balance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.provider_balance
    ADD CONSTRAINT provider_balance_pkey PRIMARY KEY (id);


--
-- Name: provider_status provider_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.provider_status
    ADD CONSTRAINT provider_status_pkey PRIMARY KEY (id);


--
-- Name: reconciliation_finding reconciliation_finding_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_finding
    ADD CONSTRAINT reconciliation_finding_pkey PRIMARY KEY (id);


--
-- Name: reconciliation_run reconciliation_run_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_run
    ADD CONSTRAINT reconciliation_run_pkey PRIMARY KEY (id);


--
-- Name: request_limit request_limit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.request_limit
    ADD CONSTRAINT request_limit_pkey PRIMARY KEY (bucket);


--
-- Name: scheduled_tasks scheduled_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (task_name, task_instance);


--
-- Name: signup_bonus_claim signup_bonus_claim_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.signup_bonus_claim
    ADD CONSTRAINT signup_bonus_claim_pkey PRIMARY KEY (address_hash);


--
-- Name: sim_account sim_account_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sim_account
    ADD CONSTRAINT sim_account_pkey PRIMARY KEY (id);


--
-- Name: sim_task sim_task_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sim_task
    ADD CONSTRAINT sim_task_pkey PRIMARY KEY (task_id);


--
-- Name: spring_session_attributes spring_session_attributes_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spring_session_attributes
    ADD CONSTRAINT spring_session_attributes_pk PRIMARY KEY (session_primary_id, attribute_name);


--
-- Name: spring_session spring_session_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spring_session
    ADD CONSTRAINT spring_session_pk PRIMARY KEY (primary_id);


--
-- Name: webhook_attempt webhook_attempt_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_attempt
    ADD CONSTRAINT webhook_attempt_pkey PRIMARY KEY (delivery_id, attempt);


--
-- Name: webhook_delivery webhook_delivery_event_key_endpoint_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_delivery
    ADD CONSTRAINT webhook_delivery_event_key_endpoint_id_key UNIQUE (event_key, endpoint_id);


--
-- Name: webhook_delivery webhook_delivery_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_delivery
    ADD CONSTRAINT webhook_delivery_pkey PRIMARY KEY (id);


--
-- Name: webhook_endpoint webhook_endpoint_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_endpoint
    ADD CONSTRAINT webhook_endpoint_pkey PRIMARY KEY (id);


--
-- Name: webhook_signature_alert webhook_signature_alert_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_signature_alert
    ADD CONSTRAINT webhook_signature_alert_pkey PRIMARY KEY (provider);


--
-- Name: webhook_signature_failure webhook_signature_failure_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_signature_failure
    ADD CONSTRAINT webhook_signature_failure_pkey PRIMARY KEY (provider, bucket_start);


--
-- Name: api_token_live_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_token_live_user_idx ON public.api_token USING btree (user_id) WHERE (revoked_at IS NULL);


--
-- Name: api_token_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_token_user_idx ON public.api_token USING btree (user_id);


--
-- Name: app_user_email_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX app_user_email_key_idx ON public.app_user USING btree (email_key);


--
-- Name: app_user_email_key_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX app_user_email_key_version_idx ON public.app_user USING btree (email_key_version);


--
-- Name: billing_checkout_idem_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX billing_checkout_idem_idx ON public.billing_checkout USING btree (user_id, idempotency_key) WHERE (idempotency_key IS NOT NULL);


--
-- Name: billing_checkout_provider_ref_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_checkout_provider_ref_idx ON public.billing_checkout USING btree (provider, provider_ref) WHERE (provider_ref IS NOT NULL);


--
-- Name: billing_checkout_user_open_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_checkout_user_open_idx ON public.billing_checkout USING btree (user_id, created_at) WHERE (status = ANY (ARRAY['PENDING'::text, 'OPEN'::text]));


--
-- Name: billing_period_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_period_due_idx ON public.billing_subscription_period USING btree (next_grant_at) WHERE (next_grant_at IS NOT NULL);


--
-- Name: billing_purchase_grant_purchase_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_purchase_grant_purchase_idx ON public.billing_purchase_grant USING btree (purchase_id);


--
-- Name: billing_purchase_user_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_purchase_user_id_idx ON public.billing_purchase USING btree (user_id, id DESC);


--
-- Name: billing_referral_grant_referee_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_referral_grant_referee_idx ON public.billing_referral_grant USING btree (referee_id, id);


--
-- Name: billing_referral_purchase_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX billing_referral_purchase_idx ON public.billing_referral USING btree (purchase_id);


--
-- Name: billing_referral_referrer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_referral_referrer_idx ON public.billing_referral USING btree (referrer_id);


--
-- Name: billing_subscription_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_subscription_user_idx ON public.billing_subscription USING btree (user_id);


--
-- Name: credit_clawback_grant_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX credit_clawback_grant_idx ON public.credit_clawback USING btree (grant_id);


--
-- Name: credit_clawback_owed_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX credit_clawback_owed_idx ON public.credit_clawback USING btree (user_id, id) WHERE (debt_added > (debt_paid + debt_waived));


--
-- Name: credit_grant_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX credit_grant_user_idx ON public.credit_grant USING btree (user_id);


--
-- Name: credit_hold_seq_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX credit_hold_seq_idx ON public.credit_hold USING btree (seq);


--
-- Name: debt_waiver_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX debt_waiver_user_idx ON public.debt_waiver USING btree (user_id);


--
-- Name: email_token_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX email_token_user_idx ON public.email_token USING btree (user_id, purpose);


--
-- Name: execution_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX execution_time_idx ON public.scheduled_tasks USING btree (execution_time);


--
-- Name: flyway_schema_history_s_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX flyway_schema_history_s_idx ON public.flyway_schema_history USING btree (success);


--
-- Name: generation_asset_job_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generation_asset_job_idx ON public.generation_asset USING btree (job_id);


--
-- Name: generation_job_inflight_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generation_job_inflight_idx ON public.generation_job USING btree (user_id, type) WHERE (completed_at IS NULL);


--
-- Name: generation_job_live_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generation_job_live_idx ON public.generation_job USING btree (deadline_at) WHERE (completed_at IS NULL);


--
-- Name: generation_job_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generation_job_user_idx ON public.generation_job USING btree (user_id, created_at DESC, id DESC);


--
-- Name: idempotency_record_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_record_created_idx ON public.idempotency_record USING btree (created_at);


--
-- Name: last_heartbeat_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX last_heartbeat_idx ON public.scheduled_tasks USING btree (last_heartbeat) WHERE (last_heartbeat IS NOT NULL);


--
-- Name: ledger_entry_ref_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_entry_ref_idx ON public.ledger_entry USING btree (ref_key);


--
-- Name: ledger_entry_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_entry_user_idx ON public.ledger_entry USING btree (user_id, id DESC);


--
-- Name: login_device_account_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_device_account_idx ON public.login_device USING btree (account);


--
-- Name: login_device_last_used_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_device_last_used_idx ON public.login_device USING btree (last_used_at);


--
-- Name: mail_outbox_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mail_outbox_due_idx ON public.mail_outbox USING btree (next_attempt_at) WHERE (status = 'PENDING'::text);


--
-- Name: operator_action_actor_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX operator_action_actor_idx ON public.operator_action USING btree (actor, action, created_at);


--
-- Name: operator_action_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX operator_action_created_idx ON public.operator_action USING btree (id DESC);


--
-- Name: operator_action_target_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX operator_action_target_idx ON public.operator_action USING btree (target, id DESC);


--
-- Name: operator_alert_kind_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX operator_alert_kind_idx ON public.operator_alert USING btree (kind, id DESC);


--
-- Name: operator_alert_once_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX operator_alert_once_key_idx ON public.operator_alert USING btree (once_key);


--
-- Name: operator_alert_unsent_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX operator_alert_unsent_idx ON public.operator_alert USING btree (id) WHERE (sent_at IS NULL);


--
-- Name: payment_event_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_event_due_idx ON public.payment_event USING btree (next_attempt_at) WHERE (status = ANY (ARRAY['RECEIVED'::text, 'FAILED'::text]));


--
-- Name: payment_event_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_event_status_idx ON public.payment_event USING btree (status, id DESC);


--
-- Name: reconciliation_finding_run_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reconciliation_finding_run_idx ON public.reconciliation_finding USING btree (run_id, id);


--
-- Name: reconciliation_run_finished_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reconciliation_run_finished_idx ON public.reconciliation_run USING btree (id DESC) WHERE (finished_at IS NOT NULL);


--
-- Name: sim_task_callback_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sim_task_callback_due_idx ON public.sim_task USING btree (callback_next_at) WHERE (callback_state = 'PENDING'::text);


--
-- Name: spring_session_ix1; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX spring_session_ix1 ON public.spring_session USING btree (session_id);


--
-- Name: spring_session_ix2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX spring_session_ix2 ON public.spring_session USING btree (expiry_time);


--
-- Name: spring_session_ix3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX spring_session_ix3 ON public.spring_session USING btree (principal_name);


--
-- Name: webhook_delivery_endpoint_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_delivery_endpoint_due_idx ON public.webhook_delivery USING btree (endpoint_id, next_attempt_at, id) WHERE (status = 'PENDING'::text);


--
-- Name: webhook_delivery_endpoint_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_delivery_endpoint_idx ON public.webhook_delivery USING btree (endpoint_id, created_at DESC);


--
-- Name: webhook_endpoint_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_endpoint_user_idx ON public.webhook_endpoint USING btree (user_id);


--
-- Name: app_user app_user_email_key_default; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER app_user_email_key_default BEFORE INSERT OR UPDATE OF email ON public.app_user FOR EACH ROW EXECUTE FUNCTION public.app_user_email_key_default();


--
-- Name: generation_job generation_job_changed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER generation_job_changed AFTER UPDATE ON public.generation_job FOR EACH ROW WHEN ((old.version IS DISTINCT FROM new.version)) EXECUTE FUNCTION public.generation_job_notify_change();


--
-- Name: ledger_entry ledger_entry_no_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entry_no_update BEFORE DELETE OR UPDATE ON public.ledger_entry FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_immutable();


--
-- Name: api_token api_token_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id);


--
-- Name: billing_dispute billing_dispute_purchase_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_dispute
    ADD CONSTRAINT billing_dispute_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES public.billing_purchase(id);


--
-- Name: billing_purchase_grant billing_purchase_grant_purchase_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase_grant
    ADD CONSTRAINT billing_purchase_grant_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES public.billing_purchase(id);


--
-- Name: billing_purchase_ref billing_purchase_ref_purchase_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_purchase_ref
    ADD CONSTRAINT billing_purchase_ref_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES public.billing_purchase(id);


--
-- Name: billing_referral_grant billing_referral_grant_referee_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_referral_grant
    ADD CONSTRAINT billing_referral_grant_referee_id_fkey FOREIGN KEY (referee_id) REFERENCES public.billing_referral(referee_id);


--
-- Name: billing_refund billing_refund_purchase_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_refund
    ADD CONSTRAINT billing_refund_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES public.billing_purchase(id);


--
-- Name: billing_subscription_period billing_subscription_period_purchase_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_subscription_period
    ADD CONSTRAINT billing_subscription_period_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES public.billing_purchase(id);


--
-- Name: email_token email_token_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.email_token
    ADD CONSTRAINT email_token_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.app_user(id);


--
-- Name: generation_asset generation_asset_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_asset
    ADD CONSTRAINT generation_asset_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.generation_job(id);


--
-- Name: reconciliation_finding reconciliation_finding_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reconciliation_finding
    ADD CONSTRAINT reconciliation_finding_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.reconciliation_run(id);


--
-- Name: spring_session_attributes spring_session_attributes_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spring_session_attributes
    ADD CONSTRAINT spring_session_attributes_fk FOREIGN KEY (session_primary_id) REFERENCES public.spring_session(primary_id) ON DELETE CASCADE;


--
-- Name: webhook_attempt webhook_attempt_delivery_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_attempt
    ADD CONSTRAINT webhook_attempt_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES public.webhook_delivery(id) ON DELETE CASCADE;


--
-- Name: webhook_delivery webhook_delivery_endpoint_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_delivery
    ADD CONSTRAINT webhook_delivery_endpoint_id_fkey FOREIGN KEY (endpoint_id) REFERENCES public.webhook_endpoint(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


