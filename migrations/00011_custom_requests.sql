-- Custom requests: a buyer's state order for a specification with no listing. The buyer
-- describes the item; sites are invited to quote; producers quote a unit price and a date
-- before the deadline; the buyer accepts one quote and it becomes an order. Every
-- transition of a request is an event of its own hash-chained, append-only record.

-- +goose Up
CREATE SEQUENCE custom_request_number_seq;

CREATE TABLE custom_requests (
    id                BIGSERIAL PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    buyer_org_id      BIGINT NOT NULL REFERENCES organizations (id),
    created_by        BIGINT REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('open', 'ordered', 'cancelled')),
    category_code     TEXT NOT NULL REFERENCES categories (code),
    title             TEXT NOT NULL CHECK (title <> ''),
    description       TEXT NOT NULL DEFAULT '',
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    unit              TEXT NOT NULL CHECK (unit <> ''),
    wanted_date       DATE,
    delivery_address  TEXT NOT NULL CHECK (delivery_address <> ''),
    delivery_region   TEXT NOT NULL REFERENCES regions (code),
    budget_line_id    BIGINT NOT NULL REFERENCES budget_lines (id),
    quote_deadline    TIMESTAMPTZ NOT NULL,
    accepted_quote_id BIGINT,
    order_id          BIGINT REFERENCES orders (id),
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'ordered') = (order_id IS NOT NULL)),
    CHECK ((status = 'ordered') = (accepted_quote_id IS NOT NULL))
);
CREATE INDEX custom_requests_buyer ON custom_requests (buyer_org_id, id DESC);
-- One order per request, whatever races.
CREATE UNIQUE INDEX custom_requests_order ON custom_requests (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE custom_request_invitations (
    request_id    BIGINT NOT NULL REFERENCES custom_requests (id),
    site_id       BIGINT NOT NULL REFERENCES production_sites (id),
    enterprise_id BIGINT NOT NULL REFERENCES organizations (id),
    invited_by    BIGINT REFERENCES users (id),
    invited_org   BIGINT NOT NULL REFERENCES organizations (id),
    invited_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (request_id, site_id)
);
CREATE INDEX custom_request_invitations_enterprise ON custom_request_invitations (enterprise_id, request_id DESC);

CREATE TABLE custom_request_quotes (
    id              BIGSERIAL PRIMARY KEY,
    request_id      BIGINT NOT NULL,
    site_id         BIGINT NOT NULL,
    enterprise_id   BIGINT NOT NULL REFERENCES organizations (id),
    unit_price_tiyn BIGINT NOT NULL CHECK (unit_price_tiyn > 0),
    vat_included    BOOLEAN NOT NULL,
    promised_date   DATE NOT NULL,
    labour_hours    INTEGER NOT NULL CHECK (labour_hours BETWEEN 0 AND 1000000),
    note            TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    -- Only invited sites quote, once each.
    FOREIGN KEY (request_id, site_id) REFERENCES custom_request_invitations (request_id, site_id),
    UNIQUE (request_id, site_id)
);

ALTER TABLE custom_requests ADD CONSTRAINT custom_requests_accepted_quote_fkey
    FOREIGN KEY (accepted_quote_id) REFERENCES custom_request_quotes (id);

-- The record of requests, one chain per request, as order_events is for orders: hash =
-- SHA-256 over prev_hash and the event's fields (orders.RequestEvent.ComputeHash).
CREATE TABLE custom_request_events (
    id             BIGSERIAL PRIMARY KEY,
    request_id     BIGINT NOT NULL REFERENCES custom_requests (id),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    quote_id       BIGINT REFERENCES custom_request_quotes (id),
    at             TIMESTAMPTZ NOT NULL,
    actor_user_id  BIGINT REFERENCES users (id),
    actor_token_id BIGINT REFERENCES api_tokens (id),
    actor_org_id   BIGINT REFERENCES organizations (id),
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    data           TEXT NOT NULL,
    prev_hash      BYTEA NOT NULL CHECK (length(prev_hash) = 32),
    hash           BYTEA NOT NULL UNIQUE CHECK (length(hash) = 32),
    UNIQUE (request_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION custom_request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'custom_request_events is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER custom_request_events_no_update BEFORE UPDATE OR DELETE ON custom_request_events
    FOR EACH ROW EXECUTE FUNCTION custom_request_events_append_only();
CREATE TRIGGER custom_request_events_no_truncate BEFORE TRUNCATE ON custom_request_events
    FOR EACH STATEMENT EXECUTE FUNCTION custom_request_events_append_only();

-- +goose Down
DROP TABLE custom_request_events;
DROP FUNCTION custom_request_events_append_only();
ALTER TABLE custom_requests DROP CONSTRAINT custom_requests_accepted_quote_fkey;
DROP TABLE custom_request_quotes;
DROP TABLE custom_request_invitations;
DROP TABLE custom_requests;
DROP SEQUENCE custom_request_number_seq;
