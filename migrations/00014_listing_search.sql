-- The PostgreSQL search engine reads its own narrow table instead of listings.
--
-- Until now a search read the listings rows themselves: about 3 KB each (three languages of
-- titles, descriptions and attributes) with the search_tsv column generated on the row, so
-- a search of the whole catalog read 185 MB of heap for 50,000 listings, every hit paid
-- for reading its large tsvector, and the typo match computed pg_trgm's word similarity
-- of each candidate's title. And every UPDATE of a listing (an order reserving ready
-- stock among them) recomputed the generated tsvector and wrote both text indexes.
--
-- listing_search   one row per PUBLISHED listing (a draft or archived listing has none),
--                  with what filters, facets and ranking read: category, enterprise,
--                  price, in stock or not, lead time, creation time, regions and
--                  institutions (migration 00007), the folded title, and two tsvectors:
--                  title_tsv (the folded title, weight A) and body_tsv (the folded
--                  descriptions, materials, colours and standard, weight B), each both
--                  stemmed (russian) and verbatim (simple). The rows are kept narrow
--                  (toast_tuple_target and the columns' storage): body_tsv goes out of
--                  line, the title and its tsvector stay on the row, so a scan of every
--                  published listing or the ranking of title hits reads the row only.
-- search_words     the vocabulary of titles: every word (lexeme of the simple
--                  configuration) of a published listing's folded title, with a trigram
--                  index. A word with a typo is matched by pg_trgm word similarity
--                  against this vocabulary (thousands of rows), and the words it finds are
--                  looked up in title_tsv through its GIN index, instead of comparing the
--                  word with the title of every candidate listing. Words are never
--                  removed: a word of no current title matches no listing, and the table
--                  only grows with words never seen before.
--
-- A trigger on listings keeps both current in the same transaction as any change (the
-- store, an import, hand-written SQL, the triggers of 00007 that rewrite regions and
-- institutions). It fires only when something the search reads changes, so an order
-- that takes ready stock without emptying it writes nothing here; the search outbox
-- trigger of 00006 gets the same condition for the fields of a Meilisearch document.

-- +goose Up
CREATE TABLE listing_search (
    listing_id      BIGINT PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
    category_code   TEXT NOT NULL,
    enterprise_id   BIGINT NOT NULL,
    price_tiyn      BIGINT NOT NULL,
    in_stock        BOOLEAN NOT NULL,
    lead_time_days  INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    regions         TEXT[] NOT NULL,
    region_set      TEXT NOT NULL, -- regions joined by commas: the region facet groups by it
    institution_ids BIGINT[] NOT NULL,
    title           TEXT NOT NULL,
    title_tsv       tsvector NOT NULL,
    body_tsv        tsvector NOT NULL
) WITH (toast_tuple_target = 1024);
ALTER TABLE listing_search ALTER COLUMN body_tsv SET STORAGE EXTERNAL,
    ALTER COLUMN title SET STORAGE MAIN, ALTER COLUMN title_tsv SET STORAGE MAIN;

CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);

-- +goose StatementBegin
CREATE FUNCTION listing_search_tsv(doc TEXT, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('russian'::regconfig, doc) || to_tsvector('simple'::regconfig, doc), weight)
$$;
-- +goose StatementEnd

-- The words of a folded title that go into the vocabulary: its simple lexemes except
-- numbers (model numbers and sizes are matched exactly, never as a typo).
-- +goose StatementBegin
CREATE FUNCTION search_title_words(title TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, title))) AS w
    WHERE w !~ '^[0-9]+$'
$$;
-- +goose StatementEnd

-- A word of the vocabulary as a tsquery of that one lexeme, quoted, so that no character
-- of it is read as tsquery syntax.
-- +goose StatementBegin
CREATE FUNCTION search_word_query(word TEXT) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ('''' || replace(replace(word, '\', '\\'), '''', '''''') || '''')::tsquery
$$;
-- +goose StatementEnd

-- The OR of tsqueries: the fuzzy expansion of a word is the OR of the vocabulary words
-- like it.
CREATE AGGREGATE search_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

-- A title's new words go into the vocabulary in sorted order, so that two transactions
-- adding the same new words wait for each other's entries in one order.
-- +goose StatementBegin
CREATE FUNCTION search_words_add(title TEXT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_words (word) SELECT w FROM search_title_words(title) AS w ORDER BY w
    ON CONFLICT (word) DO NOTHING
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION listing_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'published' THEN
        IF TG_OP = 'UPDATE' AND OLD.status = 'published' THEN
            DELETE FROM listing_search WHERE listing_id = NEW.id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'published' THEN
        -- The tsvectors are recomputed only when their text changed.
        UPDATE listing_search SET category_code = NEW.category_code, enterprise_id = NEW.enterprise_id,
            price_tiyn = NEW.price_tiyn, in_stock = NEW.ready_stock > 0, lead_time_days = NEW.lead_time_days,
            created_at = NEW.created_at, regions = NEW.regions, region_set = array_to_string(NEW.regions, ','),
            institution_ids = NEW.institution_ids,
            title = NEW.search_title,
            title_tsv = CASE WHEN OLD.search_title IS DISTINCT FROM NEW.search_title
                THEN listing_search_tsv(NEW.search_title, 'A') ELSE title_tsv END,
            body_tsv = CASE WHEN OLD.search_body IS DISTINCT FROM NEW.search_body
                THEN listing_search_tsv(NEW.search_body, 'B') ELSE body_tsv END
        WHERE listing_id = NEW.id;
        IF FOUND THEN
            IF OLD.search_title IS DISTINCT FROM NEW.search_title THEN
                PERFORM search_words_add(NEW.search_title);
            END IF;
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO listing_search (listing_id, category_code, enterprise_id, price_tiyn, in_stock, lead_time_days,
            created_at, regions, region_set, institution_ids, title, title_tsv, body_tsv)
        VALUES (NEW.id, NEW.category_code, NEW.enterprise_id, NEW.price_tiyn, NEW.ready_stock > 0, NEW.lead_time_days,
            NEW.created_at, NEW.regions, array_to_string(NEW.regions, ','), NEW.institution_ids, NEW.search_title,
            listing_search_tsv(NEW.search_title, 'A'), listing_search_tsv(NEW.search_body, 'B'))
        ON CONFLICT (listing_id) DO NOTHING;
    PERFORM search_words_add(NEW.search_title);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER listings_search_insert AFTER INSERT ON listings
    FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION listing_search_sync();
-- Every column listing_search is made of (a new column there must be added here).
CREATE TRIGGER listings_search_update AFTER UPDATE ON listings
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR (NEW.status = 'published' AND (
            OLD.category_code IS DISTINCT FROM NEW.category_code OR OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id
            OR OLD.price_tiyn IS DISTINCT FROM NEW.price_tiyn OR (OLD.ready_stock > 0) IS DISTINCT FROM (NEW.ready_stock > 0)
            OR OLD.lead_time_days IS DISTINCT FROM NEW.lead_time_days OR OLD.created_at IS DISTINCT FROM NEW.created_at
            OR OLD.regions IS DISTINCT FROM NEW.regions OR OLD.institution_ids IS DISTINCT FROM NEW.institution_ids
            OR OLD.search_title IS DISTINCT FROM NEW.search_title OR OLD.search_body IS DISTINCT FROM NEW.search_body)))
    EXECUTE FUNCTION listing_search_sync();

-- The search outbox (00006) queues a listing on an update only when a field of its
-- Meilisearch document (storage/search.document, read by searchDocSelect) changes: an
-- order that takes ready stock without emptying it queues nothing.
DROP TRIGGER listings_search_outbox ON listings;
CREATE TRIGGER listings_search_outbox AFTER INSERT OR DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION search_outbox_listing_changed();
CREATE TRIGGER listings_search_outbox_update AFTER UPDATE ON listings
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.search_title IS DISTINCT FROM NEW.search_title OR OLD.search_body IS DISTINCT FROM NEW.search_body
        OR OLD.title_ru IS DISTINCT FROM NEW.title_ru OR OLD.title_kk IS DISTINCT FROM NEW.title_kk
        OR OLD.title_en IS DISTINCT FROM NEW.title_en OR OLD.category_code IS DISTINCT FROM NEW.category_code
        OR OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id OR OLD.price_tiyn IS DISTINCT FROM NEW.price_tiyn
        OR (OLD.ready_stock > 0) IS DISTINCT FROM (NEW.ready_stock > 0)
        OR OLD.lead_time_days IS DISTINCT FROM NEW.lead_time_days OR OLD.published_at IS DISTINCT FROM NEW.published_at
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.regions IS DISTINCT FROM NEW.regions
        OR OLD.institution_ids IS DISTINCT FROM NEW.institution_ids)
    EXECUTE FUNCTION search_outbox_listing_changed();

INSERT INTO listing_search (listing_id, category_code, enterprise_id, price_tiyn, in_stock, lead_time_days,
        created_at, regions, region_set, institution_ids, title, title_tsv, body_tsv)
    SELECT id, category_code, enterprise_id, price_tiyn, ready_stock > 0, lead_time_days, created_at, regions,
        array_to_string(regions, ','), institution_ids, search_title, listing_search_tsv(search_title, 'A'), listing_search_tsv(search_body, 'B')
    FROM listings WHERE status = 'published';
INSERT INTO search_words (word)
    SELECT DISTINCT w FROM listing_search, search_title_words(title) AS w ORDER BY 1;

CREATE INDEX listing_search_title_tsv ON listing_search USING GIN (title_tsv);
CREATE INDEX listing_search_body_tsv ON listing_search USING GIN (body_tsv);
CREATE INDEX listing_search_created ON listing_search (created_at DESC, listing_id DESC);
CREATE INDEX search_words_trgm ON search_words USING GIN (word gin_trgm_ops);

-- The listings rows lose their search columns' indexes and the generated tsvector; room
-- is left on each page for an update to stay on it (a HOT update writes no index entry).
DROP INDEX listings_search_title_trgm;
DROP INDEX listings_search_tsv;
ALTER TABLE listings DROP COLUMN search_tsv;
ALTER TABLE listings SET (fillfactor = 85);

ANALYZE listing_search;
ANALYZE search_words;

-- +goose Down
ALTER TABLE listings RESET (fillfactor);
ALTER TABLE listings ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('russian'::regconfig, search_title), 'A') ||
    setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
    setweight(to_tsvector('russian'::regconfig, search_body), 'B') ||
    setweight(to_tsvector('simple'::regconfig, search_body), 'B')
) STORED;
CREATE INDEX listings_search_tsv ON listings USING GIN (search_tsv);
CREATE INDEX listings_search_title_trgm ON listings USING GIN (search_title gin_trgm_ops);
DROP TRIGGER listings_search_outbox_update ON listings;
DROP TRIGGER listings_search_outbox ON listings;
CREATE TRIGGER listings_search_outbox AFTER INSERT OR UPDATE OR DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION search_outbox_listing_changed();
DROP TRIGGER listings_search_update ON listings;
DROP TRIGGER listings_search_insert ON listings;
DROP FUNCTION listing_search_sync();
DROP FUNCTION search_words_add(TEXT);
DROP AGGREGATE search_tsquery_or(tsquery);
DROP FUNCTION search_word_query(TEXT);
DROP FUNCTION search_title_words(TEXT);
DROP FUNCTION listing_search_tsv(TEXT, "char");
DROP TABLE search_words;
DROP TABLE listing_search;
