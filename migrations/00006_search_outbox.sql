-- The search outbox: which listings the Meilisearch index must catch up with. Triggers on
-- listings, listing_sites and listing_images (migration 00005) queue a listing in the same transaction as any change to it,
-- whatever makes the change (the API, an import, hand-written SQL), so a crash between the
-- commit and the delivery loses nothing. `sheber worker` delivers the queue
-- (storage/postgres/searchoutbox.go): published listings are upserted, the others deleted.
--
-- One row per listing. seq is bumped by every change: a delivery removes a row only if its
-- seq is still the one it claimed, so a change made during a delivery stays queued.
-- There is no foreign key to listings: a deleted listing must still leave the index.

-- +goose Up
CREATE SEQUENCE search_outbox_seq;

CREATE TABLE search_outbox (
    listing_id      BIGINT PRIMARY KEY,
    seq             BIGINT NOT NULL DEFAULT nextval('search_outbox_seq'),
    enqueued_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until     TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX search_outbox_due ON search_outbox (next_attempt_at, seq);

-- +goose StatementBegin
CREATE FUNCTION search_outbox_enqueue(id BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_outbox (listing_id) VALUES (id)
    ON CONFLICT (listing_id) DO UPDATE SET seq = nextval('search_outbox_seq'), enqueued_at = now(),
        attempts = 0, next_attempt_at = now(), last_error = NULL
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_outbox_listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_outbox_enqueue(OLD.id);
    ELSE
        PERFORM search_outbox_enqueue(NEW.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_outbox_listing_site_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM search_outbox_enqueue(OLD.listing_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM search_outbox_enqueue(NEW.listing_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER listings_search_outbox AFTER INSERT OR UPDATE OR DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION search_outbox_listing_changed();
CREATE TRIGGER listing_sites_search_outbox AFTER INSERT OR UPDATE OR DELETE ON listing_sites
    FOR EACH ROW EXECUTE FUNCTION search_outbox_listing_site_changed();
-- The index holds no image data today (pages are hydrated from PostgreSQL), but a change
-- of the gallery is a change of the listing, so an engine that shows thumbnails from its
-- documents stays current. The function only reads listing_id, as on listing_sites.
CREATE TRIGGER listing_images_search_outbox AFTER INSERT OR UPDATE OR DELETE ON listing_images
    FOR EACH ROW EXECUTE FUNCTION search_outbox_listing_site_changed();

-- The listings that exist already are queued once, so an index fed from now on is complete.
INSERT INTO search_outbox (listing_id) SELECT id FROM listings;

-- +goose Down
DROP TRIGGER listing_images_search_outbox ON listing_images;
DROP TRIGGER listing_sites_search_outbox ON listing_sites;
DROP TRIGGER listings_search_outbox ON listings;
DROP FUNCTION search_outbox_listing_site_changed();
DROP FUNCTION search_outbox_listing_changed();
DROP FUNCTION search_outbox_enqueue(BIGINT);
DROP TABLE search_outbox;
DROP SEQUENCE search_outbox_seq;
