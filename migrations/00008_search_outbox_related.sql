-- The search outbox (migration 00006) for changes that alter listings' search documents
-- without touching the listings' own rows. A document (storage/postgres/searchoutbox.go,
-- searchDocSelect) holds, besides the listing's columns and its sites:
--   regions         the region of the institution of each of its production sites,
--   institution_ids the institution of each of its production sites,
--   category_path   its category and that category's ancestors.
-- So moving a production site to another institution, moving an institution to another
-- region and moving a category in the tree change the documents of every listing made
-- there or filed under it; these triggers queue those listings in the same transaction,
-- whatever makes the change. Names (of sites, institutions, enterprises, categories,
-- regions) are not in the documents: result pages are read from PostgreSQL, so a rename
-- needs nothing here. Deleting a site, an organization or a category that a listing uses
-- is refused by the foreign keys, and a region's code is referenced without ON UPDATE.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION search_outbox_site_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_outbox_enqueue(ls.listing_id) FROM listing_sites ls WHERE ls.site_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_outbox_institution_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_outbox_enqueue(l.listing_id) FROM (SELECT DISTINCT ls.listing_id
        FROM listing_sites ls JOIN production_sites ps ON ps.id = ls.site_id
        WHERE ps.institution_id = NEW.id) l;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_outbox_category_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_outbox_enqueue(l.id) FROM listings l WHERE l.category_code IN (
        WITH RECURSIVE sub(code) AS (
            SELECT NEW.code
            UNION SELECT c.code FROM categories c JOIN sub ON c.parent_code = sub.code)
        SELECT code FROM sub);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER production_sites_search_outbox AFTER UPDATE OF institution_id ON production_sites
    FOR EACH ROW WHEN (OLD.institution_id IS DISTINCT FROM NEW.institution_id)
    EXECUTE FUNCTION search_outbox_site_moved();
CREATE TRIGGER organizations_search_outbox AFTER UPDATE OF region ON organizations
    FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region)
    EXECUTE FUNCTION search_outbox_institution_moved();
CREATE TRIGGER categories_search_outbox AFTER UPDATE OF parent_code ON categories
    FOR EACH ROW WHEN (OLD.parent_code IS DISTINCT FROM NEW.parent_code)
    EXECUTE FUNCTION search_outbox_category_moved();

-- +goose Down
DROP TRIGGER categories_search_outbox ON categories;
DROP TRIGGER organizations_search_outbox ON organizations;
DROP TRIGGER production_sites_search_outbox ON production_sites;
DROP FUNCTION search_outbox_category_moved();
DROP FUNCTION search_outbox_institution_moved();
DROP FUNCTION search_outbox_site_moved();
