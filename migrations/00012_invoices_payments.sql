-- Invoices and payments: the buyer records the invoices a producer enterprise issued for
-- its fulfillment order (the producer's number, date, amount, VAT) and the payments made on
-- them through the treasury (date, amount, the treasury's payment order number). The rules
-- that need sums (an invoice total within what the fulfillment is due, payments within
-- their invoice) are the service's, under the order's lock; the rows keep what one row can
-- check, and invoices.paid_tiyn (the sum of its payments, kept by the insert of each) is the
-- last guard against overpayment whatever writes.

-- +goose Up
CREATE TABLE invoices (
    id                BIGSERIAL PRIMARY KEY,
    fulfillment_id    BIGINT NOT NULL REFERENCES fulfillments (id),
    number            TEXT NOT NULL CHECK (number <> '' AND length(number) <= 40),
    issued_on         DATE NOT NULL,
    amount_tiyn       BIGINT NOT NULL CHECK (amount_tiyn > 0),
    vat_tiyn          BIGINT NOT NULL DEFAULT 0 CHECK (vat_tiyn >= 0 AND vat_tiyn <= amount_tiyn),
    note              TEXT NOT NULL DEFAULT '',
    paid_tiyn         BIGINT NOT NULL DEFAULT 0 CHECK (paid_tiyn >= 0 AND paid_tiyn <= amount_tiyn),
    recorded_by       BIGINT REFERENCES users (id),
    recorded_by_token BIGINT REFERENCES api_tokens (id),
    recorded_at       TIMESTAMPTZ NOT NULL,
    CONSTRAINT invoices_fulfillment_number UNIQUE (fulfillment_id, number)
);

CREATE TABLE payments (
    id                BIGSERIAL PRIMARY KEY,
    invoice_id        BIGINT NOT NULL REFERENCES invoices (id),
    paid_on           DATE NOT NULL,
    amount_tiyn       BIGINT NOT NULL CHECK (amount_tiyn > 0),
    treasury_ref      TEXT NOT NULL CHECK (treasury_ref <> '' AND length(treasury_ref) <= 50),
    recorded_by       BIGINT REFERENCES users (id),
    recorded_by_token BIGINT REFERENCES api_tokens (id),
    recorded_at       TIMESTAMPTZ NOT NULL,
    -- The same treasury payment order recorded twice on one invoice is a mistake.
    CONSTRAINT payments_invoice_treasury_ref UNIQUE (invoice_id, treasury_ref)
);

-- +goose Down
DROP TABLE payments;
DROP TABLE invoices;
