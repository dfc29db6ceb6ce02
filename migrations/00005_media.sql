-- Images and documents of listings, stored in the object store under content-hash keys,
-- and the durable queue of objects to delete (object_deletions).
--
-- An object key may be shared: two listings with the same picture store it once. So an
-- object is deleted only when no row references it any more; the worker checks that
-- under the row lock of its queue entry, and uploads take the same lock (see
-- storage/postgres/media.go).

-- +goose Up
CREATE TABLE listing_images (
    id         BIGSERIAL PRIMARY KEY,
    listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),
    alt_ru     TEXT NOT NULL DEFAULT '',
    alt_kk     TEXT NOT NULL DEFAULT '',
    alt_en     TEXT NOT NULL DEFAULT '',
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Deferred: a reorder moves several positions in one transaction.
    CONSTRAINT listing_images_position UNIQUE (listing_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE listing_image_variants (
    image_id   BIGINT NOT NULL REFERENCES listing_images (id) ON DELETE CASCADE,
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    object_key TEXT NOT NULL CHECK (object_key ~ '^images/[0-9a-f]{64}\.(jpg|png)$'),
    PRIMARY KEY (image_id, width)
);
CREATE INDEX listing_image_variants_key ON listing_image_variants (object_key);

CREATE TABLE listing_documents (
    id         BIGSERIAL PRIMARY KEY,
    listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    title_ru   TEXT NOT NULL DEFAULT '',
    title_kk   TEXT NOT NULL DEFAULT '',
    title_en   TEXT NOT NULL DEFAULT '',
    file_name  TEXT NOT NULL CHECK (file_name <> ''),
    object_key TEXT NOT NULL CHECK (object_key ~ '^documents/[0-9a-f]{64}\.pdf$'),
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX listing_documents_listing ON listing_documents (listing_id, id);
CREATE INDEX listing_documents_key ON listing_documents (object_key);

-- Objects that may have to go: queued by the removal of a row (in its transaction) and, as
-- a guard, by an upload before it writes its objects. The worker deletes an object once
-- its entry is due and no row references the key; not_before only ever moves later.
CREATE TABLE object_deletions (
    object_key   TEXT PRIMARY KEY,
    not_before   TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    last_error   TEXT
);
CREATE INDEX object_deletions_due ON object_deletions (not_before);

-- +goose Down
DROP TABLE object_deletions;
DROP TABLE listing_documents;
DROP TABLE listing_image_variants;
DROP TABLE listing_images;
