-- Full-text and fuzzy search of the public catalog on PostgreSQL, the default engine.
-- search_title and search_body hold the listing's text folded as catalog.Fold folds it
-- (lower case, Kazakh letters to their Russian neighbours, Latin transliterated); the
-- store computes them in Go on every CreateListing and UpdateListing. search_tsv is
-- derived from them: the title weighs A, the rest B, each both stemmed (russian) and
-- verbatim (simple). pg_trgm gives typo-tolerant word similarity on the folded title.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE listings
    ADD COLUMN search_title TEXT NOT NULL DEFAULT '',
    ADD COLUMN search_body  TEXT NOT NULL DEFAULT '',
    ADD COLUMN search_tsv   tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('russian'::regconfig, search_title), 'A') ||
        setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
        setweight(to_tsvector('russian'::regconfig, search_body), 'B') ||
        setweight(to_tsvector('simple'::regconfig, search_body), 'B')
    ) STORED;

-- Backfill: an SQL approximation of catalog.Fold (lower case, the Kazakh letters and ё,
-- й, э folded, the soft and hard signs dropped; Latin text is NOT transliterated). The
-- store rewrites both columns with the exact Go folding on the listing's next edit.
UPDATE listings SET
    search_title = translate(lower(concat_ws(' ', title_ru, title_kk, title_en)), 'әғқңөұүһіёйэьъ', 'агкноуухиеие'),
    search_body = translate(lower(concat_ws(' ', description_ru, description_kk, description_en,
        material_ru, material_kk, material_en, colour_ru, colour_kk, colour_en, standard)), 'әғқңөұүһіёйэьъ', 'агкноуухиеие');

CREATE INDEX listings_search_tsv ON listings USING GIN (search_tsv);
CREATE INDEX listings_search_title_trgm ON listings USING GIN (search_title gin_trgm_ops);
CREATE INDEX listings_status_price ON listings (status, price_tiyn);

-- +goose Down
DROP INDEX listings_status_price;
DROP INDEX listings_search_title_trgm;
DROP INDEX listings_search_tsv;
ALTER TABLE listings DROP COLUMN search_tsv, DROP COLUMN search_body, DROP COLUMN search_title;
-- pg_trgm stays: it may have been there before (installed in template1 by the cluster's
-- superuser, who alone may then drop it), and CREATE EXTENSION IF NOT EXISTS above makes
-- Up again a no-op for it.
