-- Private attachments of orders: the buyer's photos of an acceptance (defects, the state of
-- the goods) and the drawings (PDF or images) of a custom request. Their objects live in
-- the object store under attachments/<content hash>.<ext>, a prefix the public /media/
-- route never serves; they are downloaded only through the API after an access check.
--
-- Objects are shared by content hash like the catalog's, so they are deleted through the
-- same queue (object_deletions): a removal queues the keys in its transaction and the
-- deletion job removes an object only when no row of listing_image_variants,
-- listing_documents or order_attachments references it (storage/postgres/media.go).

-- +goose Up
CREATE TABLE order_attachments (
    id                BIGSERIAL PRIMARY KEY,
    -- Exactly one parent: an acceptance (a photo) or a custom request (a drawing).
    acceptance_id     BIGINT REFERENCES acceptances (id),
    custom_request_id BIGINT REFERENCES custom_requests (id),
    org_id            BIGINT NOT NULL REFERENCES organizations (id), -- the uploader's organization
    uploaded_by       BIGINT REFERENCES users (id),
    file_name         TEXT NOT NULL CHECK (file_name <> ''),
    content_type      TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    object_key        TEXT NOT NULL CHECK (object_key ~ '^attachments/[0-9a-f]{64}\.(jpg|png|pdf)$'),
    size_bytes        BIGINT NOT NULL CHECK (size_bytes > 0),
    -- Images: the stored (largest) copy's size and a thumbnail; PDFs have neither.
    width             INTEGER NOT NULL DEFAULT 0 CHECK (width >= 0),
    height            INTEGER NOT NULL DEFAULT 0 CHECK (height >= 0),
    thumb_key         TEXT CHECK (thumb_key ~ '^attachments/[0-9a-f]{64}\.(jpg|png)$'),
    thumb_width       INTEGER NOT NULL DEFAULT 0 CHECK (thumb_width >= 0),
    thumb_height      INTEGER NOT NULL DEFAULT 0 CHECK (thumb_height >= 0),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((acceptance_id IS NULL) <> (custom_request_id IS NULL)),
    CHECK ((content_type = 'application/pdf') = (thumb_key IS NULL)),
    CHECK (acceptance_id IS NULL OR content_type <> 'application/pdf')
);
CREATE INDEX order_attachments_acceptance ON order_attachments (acceptance_id, id) WHERE acceptance_id IS NOT NULL;
CREATE INDEX order_attachments_request ON order_attachments (custom_request_id, id) WHERE custom_request_id IS NOT NULL;
-- The deletion job asks whether a key is still referenced.
CREATE INDEX order_attachments_key ON order_attachments (object_key);
CREATE INDEX order_attachments_thumb_key ON order_attachments (thumb_key) WHERE thumb_key IS NOT NULL;

-- +goose Down
DROP TABLE order_attachments;
