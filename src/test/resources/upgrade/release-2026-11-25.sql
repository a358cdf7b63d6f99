-- Schema and data of the release of 2026-11-25 (commit daa501c), dumped with pg_dump --inserts after
-- a real run: demo users seeded (1,000 credits), one nano-banana image generated and charged (5),
-- one simulated checkout left unpaid. Loaded by UpgradeFromPreviousReleaseTest. Never edit.
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
-- Name: ledger_entry_immutable(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_entry_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    raise exception 'ledger_entry is append-only';
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
    revoked_at timestamp with time zone
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
    CONSTRAINT app_user_role_check CHECK ((role = ANY (ARRAY['USER'::text, 'ADMIN'::text])))
);


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
    CONSTRAINT billing_checkout_status_check CHECK ((status = ANY (ARRAY['PENDING'::text, 'OPEN'::text, 'COMPLETED'::text])))
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
    CONSTRAINT billing_dispute_status_check CHECK ((status = ANY (ARRAY['OPEN'::text, 'WON'::text, 'LOST'::text])))
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
    CONSTRAINT billing_purchase_amount_minor_check CHECK ((amount_minor >= 0)),
    CONSTRAINT billing_purchase_clawed_check CHECK ((clawed >= 0)),
    CONSTRAINT billing_purchase_credits_check CHECK ((credits > 0)),
    CONSTRAINT billing_purchase_granted_check CHECK ((granted >= 0)),
    CONSTRAINT billing_purchase_refunded_minor_check CHECK ((refunded_minor >= 0))
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
    CONSTRAINT billing_referral_check CHECK ((referee_id <> referrer_id))
);


--
-- Name: billing_refund; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_refund (
    provider text NOT NULL,
    refund_id text NOT NULL,
    purchase_id bigint NOT NULL,
    cumulative bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
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
    created_at timestamp with time zone NOT NULL
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
    CONSTRAINT credit_clawback_applied_check CHECK ((applied >= 0)),
    CONSTRAINT credit_clawback_debt_added_check CHECK ((debt_added >= 0)),
    CONSTRAINT credit_clawback_requested_check CHECK ((requested > 0)),
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
    CONSTRAINT credit_grant_amount_check CHECK ((amount > 0)),
    CONSTRAINT credit_grant_clawback_bounded CHECK ((clawed_back <= amount)),
    CONSTRAINT credit_grant_clawed_back_check CHECK ((clawed_back >= 0)),
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
    CONSTRAINT credit_hold_amount_check CHECK ((amount > 0)),
    CONSTRAINT credit_hold_state_check CHECK ((state = ANY (ARRAY['OPEN'::text, 'CAPTURED'::text, 'RELEASED'::text, 'EXPIRED'::text])))
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
    created_at timestamp with time zone NOT NULL
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
    CONSTRAINT generation_job_price_check CHECK ((price > 0)),
    CONSTRAINT generation_job_progress_check CHECK (((progress >= 0) AND (progress <= 100))),
    CONSTRAINT generation_job_state_check CHECK ((state = ANY (ARRAY['RESERVED'::text, 'SUBMITTED'::text, 'RUNNING'::text, 'SUCCEEDED'::text, 'FAILED'::text, 'UNKNOWN'::text]))),
    CONSTRAINT generation_job_type_check CHECK ((type = ANY (ARRAY['IMAGE'::text, 'VIDEO'::text])))
);


--
-- Name: generation_limit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.generation_limit (
    user_id bigint NOT NULL,
    type text NOT NULL,
    cooldown_until timestamp with time zone
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
    CONSTRAINT ledger_entry_kind_check CHECK ((kind = ANY (ARRAY['GRANT'::text, 'HOLD'::text, 'CAPTURE'::text, 'RELEASE'::text, 'EXPIRE'::text, 'CLAWBACK'::text, 'DEBT_WAIVED'::text])))
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
-- Name: operator_alert; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operator_alert (
    id bigint NOT NULL,
    kind text NOT NULL,
    message text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone
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
    CONSTRAINT payment_event_provider_check CHECK ((provider = ANY (ARRAY['creem'::text, 'stripe'::text]))),
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
    CONSTRAINT provider_status_id_check CHECK ((id = 1)),
    CONSTRAINT provider_status_state_check CHECK ((state = ANY (ARRAY['AVAILABLE'::text, 'EXHAUSTED'::text, 'UNAUTHORIZED'::text])))
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
-- Name: sim_account; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sim_account (
    id smallint NOT NULL,
    balance bigint NOT NULL,
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
    CONSTRAINT sim_task_callback_state_check CHECK ((callback_state = ANY (ARRAY['NONE'::text, 'PENDING'::text, 'DELIVERED'::text, 'GAVE_UP'::text]))),
    CONSTRAINT sim_task_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT sim_task_kind_check CHECK ((kind = ANY (ARRAY['IMAGE'::text, 'VIDEO'::text])))
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
-- Name: ledger_entry id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entry ALTER COLUMN id SET DEFAULT nextval('public.ledger_entry_id_seq'::regclass);


--
-- Name: operator_alert id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operator_alert ALTER COLUMN id SET DEFAULT nextval('public.operator_alert_id_seq'::regclass);


--
-- Name: payment_event id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_event ALTER COLUMN id SET DEFAULT nextval('public.payment_event_id_seq'::regclass);


--
-- Data for Name: api_token; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.api_token VALUES (1, 1, '\x4be573b9b970edb043c770c9239b6a8f097eb22fdd6723df3a8bfb53604f4e9f', 'configured demo token', '2026-11-30 03:27:49.765852+00', NULL);
INSERT INTO public.api_token VALUES (2, 2, '\x5c3dac12081c73ec47965d6393ea1e412cef65beb4ad3e099810a2eea2e5c84a', 'configured demo token', '2026-11-30 03:27:50.378223+00', NULL);


--
-- Data for Name: app_user; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.app_user VALUES (1, 'demo@renderbank.local', '{bcrypt}$2a$10$2VwDWJoJs9UuWJ44MjALpeE7eWVQJhAMnQNGuai1UOkNQwRUoBS/.', NULL, 'USER', true, 'UTC', true, '2026-11-30 03:27:49.704738+00');
INSERT INTO public.app_user VALUES (2, 'admin@renderbank.local', '{bcrypt}$2a$10$DiccNGqS1CCSNO6TdTT2ZeYtd1JZVzafW.jt0xL8NdbDsIFefANey', NULL, 'ADMIN', true, 'UTC', true, '2026-11-30 03:27:50.362266+00');


--
-- Data for Name: billing_checkin; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_checkout; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.billing_checkout VALUES ('chk_914d7e9f80d743d59938094e3611e8fd', 1, 'pack-200', 'simulated', NULL, 'http://localhost:18555/checkout/simulated/chk_914d7e9f80d743d59938094e3611e8fd', 'chk_914d7e9f80d743d59938094e3611e8fd', 'OPEN', '2026-11-30 03:28:01.133488+00');


--
-- Data for Name: billing_dispute; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_invoice_payment; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_purchase; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_purchase_grant; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_purchase_ref; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_referral; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_refund; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_subscription; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: billing_subscription_period; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: credit_account; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_account VALUES (1, 995, 0, 0, '2026-11-30 03:27:49.742302+00');


--
-- Data for Name: credit_clawback; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: credit_grant; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_grant VALUES (1, 'demo-seed:1', 1, 1000, 'SIGNUP', NULL, 'demo account', NULL, 0, 0, '2026-11-30 03:27:49.741692+00');


--
-- Data for Name: credit_hold; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.credit_hold VALUES ('gen_kdD4IH70COR8gF_UOQ3L', 1, 5, 'CAPTURED', NULL, '2026-11-30 04:42:52.1327+00', '2026-11-30 03:27:52.1327+00', '2026-11-30 03:27:57.107259+00');


--
-- Data for Name: debt_waiver; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: flyway_schema_history; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.flyway_schema_history VALUES (1, '1.0.1', 'scheduled tasks', 'SQL', 'platform/V1_0_1__scheduled_tasks.sql', -1338769401, 'postgres', '2026-11-30 03:27:38.214115', 146, true);
INSERT INTO public.flyway_schema_history VALUES (2, '1.0.2', 'identity', 'SQL', 'identity/V1_0_2__identity.sql', 39903637, 'postgres', '2026-11-30 03:27:38.689507', 92, true);
INSERT INTO public.flyway_schema_history VALUES (3, '1.1.1', 'ledger', 'SQL', 'ledger/V1_1_1__ledger.sql', -1636376575, 'postgres', '2026-11-30 03:27:38.902004', 175, true);
INSERT INTO public.flyway_schema_history VALUES (4, '1.1.2', 'waivers and lean holds', 'SQL', 'ledger/V1_1_2__waivers_and_lean_holds.sql', 484924601, 'postgres', '2026-11-30 03:27:39.108761', 102, true);
INSERT INTO public.flyway_schema_history VALUES (5, '1.1.3', 'no key share locks on accounts', 'SQL', 'ledger/V1_1_3__no_key_share_locks_on_accounts.sql', -1820195419, 'postgres', '2026-11-30 03:27:39.253248', 56, true);
INSERT INTO public.flyway_schema_history VALUES (6, '1.2.1', 'generation', 'SQL', 'generation/V1_2_1__generation.sql', 996519031, 'postgres', '2026-11-30 03:27:39.380133', 135, true);
INSERT INTO public.flyway_schema_history VALUES (7, '1.3.1', 'provider status', 'SQL', 'provider/V1_3_1__provider_status.sql', -1100978195, 'postgres', '2026-11-30 03:27:39.78281', 38, true);
INSERT INTO public.flyway_schema_history VALUES (8, '1.3.2', 'provider simulator', 'SQL', 'provider/V1_3_2__provider_simulator.sql', -302528570, 'postgres', '2026-11-30 03:27:39.873866', 50, true);
INSERT INTO public.flyway_schema_history VALUES (9, '1.5.1', 'billing', 'SQL', 'billing/V1_5_1__billing.sql', -416013953, 'postgres', '2026-11-30 03:27:39.951104', 239, true);
INSERT INTO public.flyway_schema_history VALUES (10, '1.5.2', 'invoice payments', 'SQL', 'billing/V1_5_2__invoice_payments.sql', -2077915722, 'postgres', '2026-11-30 03:27:40.285846', 32, true);
INSERT INTO public.flyway_schema_history VALUES (11, '1.6.1', 'operator alert', 'SQL', 'ops/V1_6_1__operator_alert.sql', 1766121479, 'postgres', '2026-11-30 03:27:40.35029', 37, true);


--
-- Data for Name: generation_asset; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_asset VALUES ('ast_7ef96643b84f483f8a60fdf855d3f495', 'gen_kdD4IH70COR8gF_UOQ3L', 1, 'jobs/1/gen_kdD4IH70COR8gF_UOQ3L.png', 'image/png', 23439, '0e4cd078f3444d94c77c8b9bebba9431af25a2892930ea44e3f9ab185830e6ab', 'http://127.0.0.1:18555/sim/kie/files/00df93b231f85fc4358edd7bab910a77/output.png', '2026-11-30 03:27:57.065903+00');


--
-- Data for Name: generation_job; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_job VALUES ('gen_kdD4IH70COR8gF_UOQ3L', 1, 'IMAGE', 'nano-banana', 'before the upgrade', '{"outputFormat":"png","resolution":"1K"}', 'google/nano-banana', '{"prompt":"before the upgrade","output_format":"png","resolution":"1K"}', 5, 'SUCCEEDED', '00df93b231f85fc4358edd7bab910a77', '9sPDm9Zd2Vd9iqTADCBmZQFT5wePgSgj', 100, NULL, NULL, 5, 'ast_7ef96643b84f483f8a60fdf855d3f495', false, '2026-11-30 03:27:52.442254+00', 1, 3, '2026-11-30 03:27:52.037599+00', '2026-11-30 03:27:57.065903+00', '2026-11-30 03:27:53.150599+00', '2026-11-30 03:27:57.065903+00', '2026-11-30 03:42:52.037599+00');


--
-- Data for Name: generation_limit; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.generation_limit VALUES (1, 'IMAGE', '2026-11-30 03:30:52.037599+00');


--
-- Data for Name: idempotency_record; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: ledger_entry; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ledger_entry VALUES (1, 1, 'GRANT', 1000, 1000, 0, 0, 'demo-seed:1', 'SIGNUP', 'demo account', '2026-11-30 03:27:49.741692+00');
INSERT INTO public.ledger_entry VALUES (2, 1, 'HOLD', 5, 0, 5, 0, 'gen_kdD4IH70COR8gF_UOQ3L', NULL, NULL, '2026-11-30 03:27:52.1327+00');
INSERT INTO public.ledger_entry VALUES (3, 1, 'CAPTURE', 5, -5, -5, 0, 'gen_kdD4IH70COR8gF_UOQ3L', NULL, NULL, '2026-11-30 03:27:57.107259+00');


--
-- Data for Name: operator_alert; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: payment_event; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: provider_balance; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.provider_balance VALUES (1, NULL, false, NULL);


--
-- Data for Name: provider_status; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.provider_status VALUES (1, 'AVAILABLE', '2026-11-30 03:27:39.791195+00', NULL);


--
-- Data for Name: scheduled_tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.scheduled_tasks VALUES ('provider-balance-check', 'recurring', NULL, '2026-11-30 03:32:47.244791+00', false, NULL, NULL, NULL, NULL, NULL, 1, NULL);
INSERT INTO public.scheduled_tasks VALUES ('provider-status-recheck', 'recurring', NULL, '2026-11-30 03:28:47.252656+00', false, NULL, NULL, NULL, NULL, NULL, 1, NULL);
INSERT INTO public.scheduled_tasks VALUES ('generation-sweeper', 'recurring', NULL, '2026-11-30 03:28:17.57388+00', false, NULL, '2026-11-30 03:27:47.57388+00', NULL, 0, NULL, 3, NULL);
INSERT INTO public.scheduled_tasks VALUES ('billing-monthly-grants', 'recurring', NULL, '2026-11-30 03:28:17.632648+00', false, NULL, '2026-11-30 03:28:02.632648+00', NULL, 0, NULL, 5, NULL);
INSERT INTO public.scheduled_tasks VALUES ('billing-webhook-retry', 'recurring', NULL, '2026-11-30 03:28:18.630028+00', false, NULL, '2026-11-30 03:28:03.630028+00', NULL, 0, NULL, 5, NULL);
INSERT INTO public.scheduled_tasks VALUES ('kie-simulator-callbacks', 'recurring', NULL, '2026-11-30 03:28:07.763595+00', false, NULL, '2026-11-30 03:28:06.763595+00', NULL, 0, NULL, 21, NULL);


--
-- Data for Name: sim_account; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sim_account VALUES (1, 99995);


--
-- Data for Name: sim_task; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sim_task VALUES ('00df93b231f85fc4358edd7bab910a77', 'google/nano-banana', 'IMAGE', '{"prompt":"before the upgrade","output_format":"png","resolution":"1K"}', 'http://localhost:18555/api/provider/kie/callback/gen_kdD4IH70COR8gF_UOQ3L?token=9sPDm9Zd2Vd9iqTADCBmZQFT5wePgSgj', '2026-11-30 03:27:52.876047+00', 1000, false, 'DELIVERED', 1, '2026-11-30 03:27:53.876047+00');


--
-- Name: api_token_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_token_id_seq', 2, true);


--
-- Name: app_user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.app_user_id_seq', 2, true);


--
-- Name: billing_purchase_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_purchase_id_seq', 1, false);


--
-- Name: credit_clawback_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.credit_clawback_id_seq', 1, false);


--
-- Name: credit_grant_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.credit_grant_id_seq', 1, true);


--
-- Name: debt_waiver_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.debt_waiver_id_seq', 1, false);


--
-- Name: ledger_entry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ledger_entry_id_seq', 3, true);


--
-- Name: operator_alert_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.operator_alert_id_seq', 1, false);


--
-- Name: payment_event_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payment_event_id_seq', 1, false);


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
    ADD CONSTRAINT billing_checkin_pkey PRIMARY KEY (user_id, day);


--
-- Name: billing_checkout billing_checkout_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_checkout
    ADD CONSTRAINT billing_checkout_pkey PRIMARY KEY (id);


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
-- Name: credit_hold credit_hold_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.credit_hold
    ADD CONSTRAINT credit_hold_pkey PRIMARY KEY (hold_key);


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
-- Name: generation_job generation_job_provider_task_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_job
    ADD CONSTRAINT generation_job_provider_task_id_key UNIQUE (provider_task_id);


--
-- Name: generation_limit generation_limit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_limit
    ADD CONSTRAINT generation_limit_pkey PRIMARY KEY (user_id, type);


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
-- Name: scheduled_tasks scheduled_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (task_name, task_instance);


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
-- Name: api_token_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_token_user_idx ON public.api_token USING btree (user_id);


--
-- Name: app_user_email_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX app_user_email_idx ON public.app_user USING btree (lower(email));


--
-- Name: billing_checkout_idem_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX billing_checkout_idem_idx ON public.billing_checkout USING btree (user_id, idempotency_key) WHERE (idempotency_key IS NOT NULL);


--
-- Name: billing_period_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_period_due_idx ON public.billing_subscription_period USING btree (next_grant_at) WHERE (next_grant_at IS NOT NULL);


--
-- Name: billing_purchase_grant_purchase_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_purchase_grant_purchase_idx ON public.billing_purchase_grant USING btree (purchase_id);


--
-- Name: billing_purchase_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_purchase_user_idx ON public.billing_purchase USING btree (user_id);


--
-- Name: billing_subscription_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_subscription_user_idx ON public.billing_subscription USING btree (user_id);


--
-- Name: credit_grant_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX credit_grant_user_idx ON public.credit_grant USING btree (user_id);


--
-- Name: credit_hold_open_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX credit_hold_open_expiry_idx ON public.credit_hold USING btree (expires_at) WHERE (state = 'OPEN'::text);


--
-- Name: debt_waiver_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX debt_waiver_user_idx ON public.debt_waiver USING btree (user_id);


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

CREATE INDEX generation_job_inflight_idx ON public.generation_job USING btree (user_id, type) WHERE (state = ANY (ARRAY['RESERVED'::text, 'SUBMITTED'::text, 'RUNNING'::text, 'UNKNOWN'::text]));


--
-- Name: generation_job_live_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generation_job_live_idx ON public.generation_job USING btree (deadline_at) WHERE (state = ANY (ARRAY['RESERVED'::text, 'SUBMITTED'::text, 'RUNNING'::text, 'UNKNOWN'::text]));


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

CREATE INDEX last_heartbeat_idx ON public.scheduled_tasks USING btree (last_heartbeat);


--
-- Name: ledger_entry_ref_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_entry_ref_idx ON public.ledger_entry USING btree (ref_key);


--
-- Name: ledger_entry_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_entry_user_idx ON public.ledger_entry USING btree (user_id, id DESC);


--
-- Name: operator_alert_kind_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX operator_alert_kind_idx ON public.operator_alert USING btree (kind, id DESC);


--
-- Name: payment_event_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_event_due_idx ON public.payment_event USING btree (next_attempt_at) WHERE (status = ANY (ARRAY['RECEIVED'::text, 'FAILED'::text]));


--
-- Name: payment_event_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_event_status_idx ON public.payment_event USING btree (status, id DESC);


--
-- Name: priority_execution_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX priority_execution_time_idx ON public.scheduled_tasks USING btree (priority DESC, execution_time);


--
-- Name: sim_task_callback_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sim_task_callback_due_idx ON public.sim_task USING btree (callback_next_at) WHERE (callback_state = 'PENDING'::text);


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
-- Name: generation_asset generation_asset_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generation_asset
    ADD CONSTRAINT generation_asset_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.generation_job(id);


--
-- PostgreSQL database dump complete
--


