-- Orders: buyer settings, budget lines, carts, orders and their lines, fulfillment orders
-- (one per producer enterprise and site) with their lines' counters, capacity bookings per
-- site and week, shipments, acceptances, the hash-chained record of every transition
-- (append-only: the database refuses UPDATE, DELETE and TRUNCATE on it), idempotency keys of
-- create requests and in-app notifications.

-- +goose Up
CREATE TABLE buyer_settings (
    org_id            BIGINT PRIMARY KEY REFERENCES organizations (id),
    approval_required BOOLEAN NOT NULL DEFAULT false,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE budget_lines (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    year           INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    code           TEXT NOT NULL CHECK (code ~ '^[0-9A-Za-z./-]{1,40}$'),
    name           TEXT NOT NULL CHECK (name <> ''),
    amount_tiyn    BIGINT NOT NULL CHECK (amount_tiyn >= 0),
    committed_tiyn BIGINT NOT NULL DEFAULT 0 CHECK (committed_tiyn >= 0),
    spent_tiyn     BIGINT NOT NULL DEFAULT 0 CHECK (spent_tiyn >= 0),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, year, code),
    -- Never overspent, whatever writes: the last guard behind the service's check.
    CHECK (committed_tiyn + spent_tiyn <= amount_tiyn)
);

CREATE TABLE cart_items (
    org_id     BIGINT NOT NULL REFERENCES organizations (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    added_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id, listing_id)
);

CREATE SEQUENCE order_number_seq;

CREATE TABLE orders (
    id                BIGSERIAL PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    buyer_org_id      BIGINT NOT NULL REFERENCES organizations (id),
    created_by        BIGINT REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'pending_approval', 'submitted', 'closed', 'cancelled')),
    delivery_address  TEXT NOT NULL CHECK (delivery_address <> ''),
    delivery_region   TEXT NOT NULL REFERENCES regions (code),
    requested_date    DATE,
    budget_line_id    BIGINT NOT NULL REFERENCES budget_lines (id),
    note              TEXT NOT NULL DEFAULT '',
    procurement_route TEXT NOT NULL DEFAULT '',
    -- The route's late-delivery penalty, copied when the order is made.
    penalty_bp_per_day INTEGER NOT NULL CHECK (penalty_bp_per_day BETWEEN 0 AND 10000),
    penalty_cap_bp     INTEGER NOT NULL CHECK (penalty_cap_bp BETWEEN 0 AND 10000),
    total_tiyn        BIGINT NOT NULL CHECK (total_tiyn >= 0),
    committed_tiyn    BIGINT NOT NULL DEFAULT 0 CHECK (committed_tiyn >= 0),
    spent_tiyn        BIGINT NOT NULL DEFAULT 0 CHECK (spent_tiyn >= 0),
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    submitted_at      TIMESTAMPTZ
);
CREATE INDEX orders_buyer ON orders (buyer_org_id, id DESC);
CREATE INDEX orders_budget_line ON orders (budget_line_id);

CREATE TABLE order_lines (
    id                      BIGSERIAL PRIMARY KEY,
    order_id                BIGINT NOT NULL REFERENCES orders (id),
    position                INTEGER NOT NULL CHECK (position >= 1),
    listing_id              BIGINT REFERENCES listings (id),
    enterprise_id           BIGINT NOT NULL REFERENCES organizations (id),
    category_code           TEXT NOT NULL REFERENCES categories (code),
    title_ru                TEXT NOT NULL DEFAULT '',
    title_kk                TEXT NOT NULL DEFAULT '',
    title_en                TEXT NOT NULL DEFAULT '',
    unit                    TEXT NOT NULL,
    unit_price_tiyn         BIGINT NOT NULL CHECK (unit_price_tiyn > 0),
    vat_included            BOOLEAN NOT NULL,
    quantity                INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    labour_minutes_per_unit INTEGER NOT NULL CHECK (labour_minutes_per_unit >= 0),
    lead_time_days          INTEGER NOT NULL CHECK (lead_time_days >= 0),
    amount_tiyn             BIGINT NOT NULL CHECK (amount_tiyn = unit_price_tiyn * quantity),
    UNIQUE (order_id, position)
);
CREATE INDEX order_lines_listing ON order_lines (listing_id) WHERE listing_id IS NOT NULL;

CREATE TABLE fulfillments (
    id                  BIGSERIAL PRIMARY KEY,
    order_id            BIGINT NOT NULL REFERENCES orders (id),
    enterprise_id       BIGINT NOT NULL REFERENCES organizations (id),
    site_id             BIGINT REFERENCES production_sites (id),
    region              TEXT NOT NULL REFERENCES regions (code),
    status              TEXT NOT NULL CHECK (status IN ('routed', 'confirmed', 'in_production', 'rework', 'ready', 'shipped',
                                                        'delivered', 'closed', 'returned', 'cancelled')),
    labour_minutes      BIGINT NOT NULL CHECK (labour_minutes >= 0),
    amount_tiyn         BIGINT NOT NULL CHECK (amount_tiyn >= 0),
    committed_tiyn      BIGINT NOT NULL CHECK (committed_tiyn >= 0),
    spent_tiyn          BIGINT NOT NULL DEFAULT 0 CHECK (spent_tiyn >= 0),
    quoted_date         DATE,
    promised_date       DATE,
    delivered_on        DATE,
    cancel_requested_by TEXT CHECK (cancel_requested_by IN ('buyer', 'producer')),
    cancel_reason       TEXT NOT NULL DEFAULT '',
    days_overdue        INTEGER NOT NULL DEFAULT 0 CHECK (days_overdue >= 0),
    penalty_tiyn        BIGINT NOT NULL DEFAULT 0 CHECK (penalty_tiyn >= 0),
    delay_notified_on   DATE,
    version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (committed_tiyn + spent_tiyn <= amount_tiyn),
    CHECK ((site_id IS NULL) = (status = 'returned') OR status = 'cancelled')
);
CREATE INDEX fulfillments_order ON fulfillments (order_id);
CREATE INDEX fulfillments_queue ON fulfillments (enterprise_id, status, promised_date);
CREATE INDEX fulfillments_site ON fulfillments (site_id, status);

CREATE TABLE fulfillment_lines (
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    order_line_id  BIGINT NOT NULL REFERENCES order_lines (id),
    quantity       INTEGER NOT NULL CHECK (quantity >= 1),
    from_stock     INTEGER NOT NULL CHECK (from_stock BETWEEN 0 AND quantity),
    made           INTEGER NOT NULL CHECK (made >= from_stock),
    shipped        INTEGER NOT NULL DEFAULT 0 CHECK (shipped BETWEEN 0 AND made),
    delivered      INTEGER NOT NULL DEFAULT 0 CHECK (delivered BETWEEN 0 AND shipped),
    accepted       INTEGER NOT NULL DEFAULT 0 CHECK (accepted BETWEEN 0 AND quantity),
    rejected       INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
    PRIMARY KEY (fulfillment_id, order_line_id),
    CHECK (accepted + rejected <= delivered),
    CHECK (made - rejected <= quantity)
);

CREATE TABLE fulfillment_declines (
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    site_id        BIGINT NOT NULL REFERENCES production_sites (id),
    declined_by    BIGINT REFERENCES users (id),
    reason         TEXT NOT NULL,
    declined_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (fulfillment_id, site_id)
);

-- Labour booked at a site per ISO week (the Monday), in minutes.
CREATE TABLE capacity_bookings (
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    site_id        BIGINT NOT NULL REFERENCES production_sites (id),
    week           DATE NOT NULL CHECK (extract(isodow FROM week) = 1),
    minutes        BIGINT NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (fulfillment_id, site_id, week)
);
CREATE INDEX capacity_bookings_site_week ON capacity_bookings (site_id, week);

CREATE TABLE shipments (
    id             BIGSERIAL PRIMARY KEY,
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    waybill        TEXT NOT NULL CHECK (waybill <> ''),
    shipped_at     TIMESTAMPTZ NOT NULL,
    delivered_at   TIMESTAMPTZ,
    UNIQUE (fulfillment_id, waybill)
);

CREATE TABLE shipment_lines (
    shipment_id   BIGINT NOT NULL REFERENCES shipments (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity      INTEGER NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (shipment_id, order_line_id)
);

CREATE TABLE acceptances (
    id             BIGSERIAL PRIMARY KEY,
    fulfillment_id BIGINT NOT NULL REFERENCES fulfillments (id),
    accepted_at    TIMESTAMPTZ NOT NULL,
    accepted_by    BIGINT REFERENCES users (id),
    defect_reason  TEXT NOT NULL DEFAULT '',
    days_overdue   INTEGER NOT NULL DEFAULT 0,
    penalty_tiyn   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX acceptances_fulfillment ON acceptances (fulfillment_id);

CREATE TABLE acceptance_lines (
    acceptance_id BIGINT NOT NULL REFERENCES acceptances (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    accepted      INTEGER NOT NULL CHECK (accepted >= 0),
    rejected      INTEGER NOT NULL CHECK (rejected >= 0),
    PRIMARY KEY (acceptance_id, order_line_id)
);

-- The record: one chain of events per order. hash = SHA-256 over prev_hash and the
-- event's fields (orders.Event.ComputeHash); `sheber audit verify` walks every chain.
CREATE TABLE order_events (
    id             BIGSERIAL PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders (id),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    fulfillment_id BIGINT REFERENCES fulfillments (id),
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
    UNIQUE (order_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order_events is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER order_events_no_update BEFORE UPDATE OR DELETE ON order_events
    FOR EACH ROW EXECUTE FUNCTION order_events_append_only();
CREATE TRIGGER order_events_no_truncate BEFORE TRUNCATE ON order_events
    FOR EACH STATEMENT EXECUTE FUNCTION order_events_append_only();

-- Idempotency keys of create requests, scoped to who sent them. The create's transaction
-- inserts the key first, so a concurrent repeat waits on it, and records what it created;
-- the response follows right after the commit.
CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    key             TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    BYTEA NOT NULL,
    resource_kind   TEXT NOT NULL DEFAULT '',
    resource_id     BIGINT NOT NULL DEFAULT 0,
    response_status INTEGER,
    response_body   BYTEA,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE notifications (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    org_id         BIGINT NOT NULL REFERENCES organizations (id),
    kind           TEXT NOT NULL,
    order_id       BIGINT REFERENCES orders (id),
    order_number   TEXT NOT NULL DEFAULT '',
    fulfillment_id BIGINT REFERENCES fulfillments (id),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at        TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
DROP TABLE idempotency_keys;
DROP TABLE order_events;
DROP FUNCTION order_events_append_only();
DROP TABLE acceptance_lines;
DROP TABLE acceptances;
DROP TABLE shipment_lines;
DROP TABLE shipments;
DROP TABLE capacity_bookings;
DROP TABLE fulfillment_declines;
DROP TABLE fulfillment_lines;
DROP TABLE fulfillments;
DROP TABLE order_lines;
DROP TABLE orders;
DROP SEQUENCE order_number_seq;
DROP TABLE cart_items;
DROP TABLE budget_lines;
DROP TABLE buyer_settings;
