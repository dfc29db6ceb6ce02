-- Foundation schema: regions, organizations, production sites, users, memberships,
-- invitations, API tokens and the e-mail outbox. Never edit an applied migration: add one.

-- +goose Up
CREATE TABLE regions (
    code    TEXT PRIMARY KEY,
    iso     TEXT NOT NULL UNIQUE,
    city    BOOLEAN NOT NULL,
    name_ru TEXT NOT NULL,
    name_kk TEXT NOT NULL,
    name_en TEXT NOT NULL
);

INSERT INTO regions (code, iso, city, name_ru, name_kk, name_en) VALUES
    ('abai', 'KZ-10', false, 'Абайская область', 'Абай облысы', 'Abai Region'),
    ('akmola', 'KZ-11', false, 'Акмолинская область', 'Ақмола облысы', 'Akmola Region'),
    ('aktobe', 'KZ-15', false, 'Актюбинская область', 'Ақтөбе облысы', 'Aktobe Region'),
    ('almaty-region', 'KZ-19', false, 'Алматинская область', 'Алматы облысы', 'Almaty Region'),
    ('atyrau', 'KZ-23', false, 'Атырауская область', 'Атырау облысы', 'Atyrau Region'),
    ('west-kazakhstan', 'KZ-27', false, 'Западно-Казахстанская область', 'Батыс Қазақстан облысы', 'West Kazakhstan Region'),
    ('zhambyl', 'KZ-31', false, 'Жамбылская область', 'Жамбыл облысы', 'Zhambyl Region'),
    ('zhetysu', 'KZ-33', false, 'Жетысуская область', 'Жетісу облысы', 'Zhetysu Region'),
    ('karaganda', 'KZ-35', false, 'Карагандинская область', 'Қарағанды облысы', 'Karaganda Region'),
    ('kostanay', 'KZ-39', false, 'Костанайская область', 'Қостанай облысы', 'Kostanay Region'),
    ('kyzylorda', 'KZ-43', false, 'Кызылординская область', 'Қызылорда облысы', 'Kyzylorda Region'),
    ('mangystau', 'KZ-47', false, 'Мангистауская область', 'Маңғыстау облысы', 'Mangystau Region'),
    ('pavlodar', 'KZ-55', false, 'Павлодарская область', 'Павлодар облысы', 'Pavlodar Region'),
    ('north-kazakhstan', 'KZ-59', false, 'Северо-Казахстанская область', 'Солтүстік Қазақстан облысы', 'North Kazakhstan Region'),
    ('turkistan', 'KZ-61', false, 'Туркестанская область', 'Түркістан облысы', 'Turkistan Region'),
    ('ulytau', 'KZ-62', false, 'Улытауская область', 'Ұлытау облысы', 'Ulytau Region'),
    ('east-kazakhstan', 'KZ-63', false, 'Восточно-Казахстанская область', 'Шығыс Қазақстан облысы', 'East Kazakhstan Region'),
    ('astana', 'KZ-71', true, 'г. Астана', 'Астана қаласы', 'Astana'),
    ('almaty', 'KZ-75', true, 'г. Алматы', 'Алматы қаласы', 'Almaty'),
    ('shymkent', 'KZ-79', true, 'г. Шымкент', 'Шымкент қаласы', 'Shymkent');

CREATE TABLE organizations (
    id                 BIGSERIAL PRIMARY KEY,
    bin                CHAR(12) NOT NULL UNIQUE CHECK (bin ~ '^[0-9]{12}$'),
    kind               TEXT NOT NULL CHECK (kind IN ('buyer', 'procuring_entity', 'producer_institution', 'producer_enterprise', 'oversight', 'platform')),
    subtype            TEXT NOT NULL,
    name_ru            TEXT NOT NULL DEFAULT '',
    name_kk            TEXT NOT NULL DEFAULT '',
    name_en            TEXT NOT NULL DEFAULT '',
    region             TEXT REFERENCES regions (code),
    institution_number INTEGER CHECK (institution_number > 0),
    oversight_org_id   BIGINT REFERENCES organizations (id),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (name_ru <> '' OR name_kk <> ''),
    CHECK ((kind = 'producer_institution') = (institution_number IS NOT NULL))
);
CREATE INDEX organizations_kind_region ON organizations (kind, region);

CREATE TABLE production_sites (
    id                    BIGSERIAL PRIMARY KEY,
    enterprise_id         BIGINT NOT NULL REFERENCES organizations (id),
    institution_id        BIGINT NOT NULL REFERENCES organizations (id),
    code                  TEXT NOT NULL,
    name_ru               TEXT NOT NULL DEFAULT '',
    name_kk               TEXT NOT NULL DEFAULT '',
    name_en               TEXT NOT NULL DEFAULT '',
    workshop_kind         TEXT NOT NULL CHECK (workshop_kind IN ('woodwork', 'metalwork', 'sewing', 'construction_materials', 'other')),
    weekly_capacity_hours INTEGER NOT NULL CHECK (weekly_capacity_hours BETWEEN 0 AND 60000),
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (enterprise_id, code)
);
CREATE INDEX production_sites_institution ON production_sites (institution_id);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    role       TEXT NOT NULL CHECK (role IN ('requester', 'approver', 'procurement_officer', 'producer_manager', 'workshop_master', 'accountant', 'inspector', 'auditor', 'admin')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE invitations (
    id          BIGSERIAL PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES organizations (id),
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    invited_by  BIGINT REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
-- One open invitation per person and organization; an expired one is closed by revoking
-- it when a new one is made.
CREATE UNIQUE INDEX invitations_open ON invitations (org_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_by   BIGINT REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_org ON api_tokens (org_id, created_at DESC);

-- The e-mail outbox: written in the transaction of the change it reports, delivered by
-- `sheber worker` with retries.
CREATE TABLE email_outbox (
    id              BIGSERIAL PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE email_outbox;
DROP TABLE api_tokens;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE production_sites;
DROP TABLE organizations;
DROP TABLE regions;
