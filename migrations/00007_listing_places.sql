-- Where each listing is made, on the listing's own row, for the search's region and
-- institution filters and its region facet: without them every search joined its hits
-- to listing_sites, production_sites and organizations (on 50,000 listings about 20 ms
-- for a few thousand hits and 120 ms for the whole catalog, the region facet alone).
--   regions          the distinct regions of the institutions of its production sites
--                    (institutions without a region left out), ascending;
--   institution_ids  the distinct institutions of its production sites, ascending.
-- Triggers keep them current in the same transaction as any change that alters them,
-- whatever makes it (the store, an import, hand-written SQL): a listing's sites change
-- (listing_sites), a production site moves to another institution, an institution moves
-- to another region. A listing whose places stay the same is not rewritten.

-- +goose Up
ALTER TABLE listings
    ADD COLUMN regions         TEXT[]   NOT NULL DEFAULT '{}',
    ADD COLUMN institution_ids BIGINT[] NOT NULL DEFAULT '{}';

-- +goose StatementBegin
CREATE FUNCTION listing_places_refresh(ids BIGINT[]) RETURNS void LANGUAGE sql AS $$
    UPDATE listings l SET regions = p.regions, institution_ids = p.institution_ids
    FROM (
        SELECT x.id,
            coalesce((SELECT array_agg(DISTINCT i.region ORDER BY i.region)
                FROM listing_sites ls
                JOIN production_sites ps ON ps.id = ls.site_id
                JOIN organizations i ON i.id = ps.institution_id
                WHERE ls.listing_id = x.id AND i.region IS NOT NULL), '{}') AS regions,
            coalesce((SELECT array_agg(DISTINCT ps.institution_id ORDER BY ps.institution_id)
                FROM listing_sites ls
                JOIN production_sites ps ON ps.id = ls.site_id
                WHERE ls.listing_id = x.id), '{}') AS institution_ids
        FROM unnest(ids) AS x(id)
    ) p
    WHERE l.id = p.id AND (l.regions, l.institution_ids) IS DISTINCT FROM (p.regions, p.institution_ids);
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION listing_places_sites_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_places_refresh(ARRAY(SELECT DISTINCT listing_id FROM new_rows));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION listing_places_sites_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_places_refresh(ARRAY(SELECT DISTINCT listing_id FROM old_rows));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION listing_places_sites_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_places_refresh(ARRAY(SELECT listing_id FROM new_rows UNION SELECT listing_id FROM old_rows));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION listing_places_site_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_places_refresh(ARRAY(SELECT ls.listing_id FROM listing_sites ls WHERE ls.site_id = NEW.id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION listing_places_institution_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_places_refresh(ARRAY(SELECT DISTINCT ls.listing_id
        FROM listing_sites ls JOIN production_sites ps ON ps.id = ls.site_id
        WHERE ps.institution_id = NEW.id));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Statement triggers with transition tables: an import writes 1,000 listings' sites in
-- one statement, and they are refreshed in one UPDATE.
CREATE TRIGGER listing_sites_places_insert AFTER INSERT ON listing_sites
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_places_sites_inserted();
CREATE TRIGGER listing_sites_places_delete AFTER DELETE ON listing_sites
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_places_sites_deleted();
CREATE TRIGGER listing_sites_places_update AFTER UPDATE ON listing_sites
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_places_sites_updated();
CREATE TRIGGER production_sites_places AFTER UPDATE OF institution_id ON production_sites
    FOR EACH ROW WHEN (OLD.institution_id IS DISTINCT FROM NEW.institution_id)
    EXECUTE FUNCTION listing_places_site_moved();
CREATE TRIGGER organizations_places AFTER UPDATE OF region ON organizations
    FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region)
    EXECUTE FUNCTION listing_places_institution_moved();

SELECT listing_places_refresh(ARRAY(SELECT DISTINCT listing_id FROM listing_sites));

-- +goose Down
DROP TRIGGER organizations_places ON organizations;
DROP TRIGGER production_sites_places ON production_sites;
DROP TRIGGER listing_sites_places_update ON listing_sites;
DROP TRIGGER listing_sites_places_delete ON listing_sites;
DROP TRIGGER listing_sites_places_insert ON listing_sites;
DROP FUNCTION listing_places_institution_moved();
DROP FUNCTION listing_places_site_moved();
DROP FUNCTION listing_places_sites_updated();
DROP FUNCTION listing_places_sites_deleted();
DROP FUNCTION listing_places_sites_inserted();
DROP FUNCTION listing_places_refresh(BIGINT[]);
ALTER TABLE listings DROP COLUMN institution_ids, DROP COLUMN regions;
