-- The catalog: the category tree of DESIGN.md (seeded, names in ru/kk/en), the listings of
-- producer enterprises, the production sites that make each listing and its price history.
-- The database itself refuses a listing's site that belongs to another enterprise: the
-- composite foreign keys below tie a listing, its enterprise and its sites together.

-- +goose Up
CREATE TABLE categories (
    code          TEXT PRIMARY KEY CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    parent_code   TEXT REFERENCES categories (code),
    name_ru       TEXT NOT NULL CHECK (name_ru <> ''),
    name_kk       TEXT NOT NULL CHECK (name_kk <> ''),
    name_en       TEXT NOT NULL CHECK (name_en <> ''),
    position      INTEGER NOT NULL CHECK (position >= 0),
    workshop_kind TEXT NOT NULL CHECK (workshop_kind IN ('woodwork', 'metalwork', 'sewing', 'construction_materials', 'other')),
    CHECK (parent_code <> code)
);
CREATE INDEX categories_parent ON categories (parent_code, position);

-- Parents first: the foreign key checks each row as it is inserted.
INSERT INTO categories (code, parent_code, name_ru, name_kk, name_en, position, workshop_kind) VALUES
    ('furniture', NULL, 'Мебель', 'Жиһаз', 'Furniture', 10, 'woodwork'),
    ('small-forms', NULL, 'Малые архитектурные формы', 'Шағын сәулет формалары', 'Small architectural forms', 20, 'metalwork'),
    ('play', NULL, 'Развивающие и игровые наборы', 'Дамытушы және ойын жиынтықтары', 'Educational and play sets', 30, 'woodwork'),
    ('sewn', NULL, 'Швейные изделия', 'Тігін бұйымдары', 'Sewn goods', 40, 'sewing'),
    ('construction', NULL, 'Строительные материалы', 'Құрылыс материалдары', 'Construction materials', 50, 'construction_materials'),
    ('metalwork', NULL, 'Металлоизделия', 'Металл бұйымдары', 'Metalwork', 60, 'metalwork'),
    ('other', NULL, 'Прочее', 'Басқалар', 'Other', 70, 'other');

INSERT INTO categories (code, parent_code, name_ru, name_kk, name_en, position, workshop_kind) VALUES
    ('furniture-desks', 'furniture', 'Парты и столы', 'Парталар мен үстелдер', 'Desks and tables', 10, 'woodwork'),
    ('furniture-chairs', 'furniture', 'Стулья', 'Орындықтар', 'Chairs', 20, 'woodwork'),
    ('furniture-cabinets', 'furniture', 'Шкафы и стеллажи', 'Шкафтар мен сөрелер', 'Cabinets and shelving', 30, 'woodwork'),
    ('furniture-beds', 'furniture', 'Кровати', 'Кереуеттер', 'Beds', 40, 'woodwork'),
    ('small-forms-benches', 'small-forms', 'Скамейки', 'Саябақ орындықтары', 'Benches', 10, 'metalwork'),
    ('small-forms-urns', 'small-forms', 'Урны', 'Қоқыс жәшіктері', 'Litter bins', 20, 'metalwork'),
    ('small-forms-gazebos', 'small-forms', 'Беседки', 'Беседкалар', 'Gazebos', 30, 'metalwork'),
    ('small-forms-planters', 'small-forms', 'Вазоны и цветочницы', 'Гүл вазондары', 'Planters', 40, 'metalwork'),
    ('play-construction', 'play', 'Деревянные конструкторы', 'Ағаш конструкторлар', 'Wooden construction sets', 10, 'woodwork'),
    ('play-corners', 'play', 'Игровые уголки', 'Ойын бұрыштары', 'Play corners', 20, 'woodwork'),
    ('sewn-uniforms', 'sewn', 'Форменная одежда', 'Форма киімдері', 'Uniforms', 10, 'sewing'),
    ('sewn-workwear', 'sewn', 'Спецодежда', 'Арнайы киім', 'Workwear', 20, 'sewing'),
    ('sewn-bedding', 'sewn', 'Постельное бельё', 'Төсек жабдықтары', 'Bedding', 30, 'sewing'),
    ('construction-paving', 'construction', 'Тротуарная плитка', 'Тротуар плиткасы', 'Paving tiles', 10, 'construction_materials'),
    ('construction-blocks', 'construction', 'Строительные блоки', 'Құрылыс блоктары', 'Building blocks', 20, 'construction_materials');

CREATE TABLE listings (
    id                      BIGSERIAL PRIMARY KEY,
    enterprise_id           BIGINT NOT NULL CONSTRAINT listings_enterprise_fkey REFERENCES organizations (id),
    -- The enterprise's own article code; NULL when it has none (never '').
    external_code           TEXT CHECK (external_code <> ''),
    title_ru                TEXT NOT NULL DEFAULT '',
    title_kk                TEXT NOT NULL DEFAULT '',
    title_en                TEXT NOT NULL DEFAULT '',
    description_ru          TEXT NOT NULL DEFAULT '',
    description_kk          TEXT NOT NULL DEFAULT '',
    description_en          TEXT NOT NULL DEFAULT '',
    category_code           TEXT NOT NULL CONSTRAINT listings_category_fkey REFERENCES categories (code),
    length_mm               INTEGER NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
    width_mm                INTEGER NOT NULL DEFAULT 0 CHECK (width_mm >= 0),
    height_mm               INTEGER NOT NULL DEFAULT 0 CHECK (height_mm >= 0),
    material_ru             TEXT NOT NULL DEFAULT '',
    material_kk             TEXT NOT NULL DEFAULT '',
    material_en             TEXT NOT NULL DEFAULT '',
    colour_ru               TEXT NOT NULL DEFAULT '',
    colour_kk               TEXT NOT NULL DEFAULT '',
    colour_en               TEXT NOT NULL DEFAULT '',
    standard                TEXT NOT NULL DEFAULT '',
    age_group               TEXT NOT NULL DEFAULT '',
    certification           TEXT NOT NULL DEFAULT '',
    unit                    TEXT NOT NULL CHECK (unit IN ('piece', 'set', 'pair', 'm', 'm2', 'm3', 'kg', 't')),
    price_tiyn              BIGINT NOT NULL CHECK (price_tiyn > 0),
    vat_included            BOOLEAN NOT NULL,
    min_order_qty           INTEGER NOT NULL CHECK (min_order_qty >= 1),
    lead_time_days          INTEGER NOT NULL CHECK (lead_time_days >= 0),
    labour_minutes_per_unit INTEGER NOT NULL CHECK (labour_minutes_per_unit >= 0),
    ready_stock             INTEGER NOT NULL CHECK (ready_stock >= 0),
    status                  TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    version                 INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at            TIMESTAMPTZ,
    CHECK (title_ru <> '' OR title_kk <> ''),
    -- The target of listing_sites' composite key, so that its enterprise_id cannot lie.
    CONSTRAINT listings_id_enterprise UNIQUE (id, enterprise_id)
);
-- Bulk imports match on the external code: one listing per code and enterprise.
CREATE UNIQUE INDEX listings_enterprise_external_code ON listings (enterprise_id, external_code)
    WHERE external_code IS NOT NULL;
CREATE INDEX listings_enterprise_created ON listings (enterprise_id, created_at DESC);
CREATE INDEX listings_status_category ON listings (status, category_code);

-- The target of listing_sites' composite key, so that a site belongs to the listing's
-- enterprise.
ALTER TABLE production_sites ADD CONSTRAINT production_sites_id_enterprise UNIQUE (id, enterprise_id);

-- The production sites that can make a listing. enterprise_id repeats the listing's: both
-- composite keys share it, so a site of another enterprise is refused by the database.
CREATE TABLE listing_sites (
    listing_id    BIGINT NOT NULL,
    site_id       BIGINT NOT NULL,
    enterprise_id BIGINT NOT NULL,
    PRIMARY KEY (listing_id, site_id),
    CONSTRAINT listing_sites_listing_fkey FOREIGN KEY (listing_id, enterprise_id)
        REFERENCES listings (id, enterprise_id) ON DELETE CASCADE,
    CONSTRAINT listing_sites_site_fkey FOREIGN KEY (site_id, enterprise_id)
        REFERENCES production_sites (id, enterprise_id)
);
CREATE INDEX listing_sites_site ON listing_sites (site_id, enterprise_id);

-- A listing's price history. Append-only in spirit: rows are inserted, never updated or
-- deleted (except with their listing); the current price is the listing's own.
CREATE TABLE listing_prices (
    id           BIGSERIAL PRIMARY KEY,
    listing_id   BIGINT NOT NULL CONSTRAINT listing_prices_listing_fkey REFERENCES listings (id) ON DELETE CASCADE,
    price_tiyn   BIGINT NOT NULL CHECK (price_tiyn > 0),
    vat_included BOOLEAN NOT NULL,
    valid_from   TIMESTAMPTZ NOT NULL,
    changed_by   BIGINT REFERENCES users (id) -- NULL: a machine client
);
CREATE INDEX listing_prices_listing ON listing_prices (listing_id, valid_from);
CREATE INDEX listing_prices_changed_by ON listing_prices (changed_by) WHERE changed_by IS NOT NULL;

-- +goose Down
DROP TABLE listing_prices;
DROP TABLE listing_sites;
ALTER TABLE production_sites DROP CONSTRAINT production_sites_id_enterprise;
DROP TABLE listings;
DROP TABLE categories;
