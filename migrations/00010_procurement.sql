-- Procurement routes: the configurable table that tells a buyer which procurement method
-- applies to an order (a direct contract with a penal-system enterprise for goods on the
-- government's list, a request for price offers below a threshold, an open tender
-- otherwise), on what legal basis, with which documents, and which late-delivery penalty
-- rule the order carries. orders.ChooseRoute takes the first route, by position, whose
-- conditions all hold; a route without conditions is the fallback.
--
-- The texts, the threshold, the goods list and the penalty rates below are configurable
-- data, seeded with defaults: the operator's lawyer confirms them (README, "Procurement
-- routes and penalties"). The Go constants orders.DefaultPriceOfferThresholdTiyn,
-- DefaultPenaltyBasisPointsPerDay and DefaultPenaltyCapBasisPoints equal the seeded values
-- (a test checks it).

-- +goose Up
CREATE TABLE procurement_routes (
    code                TEXT PRIMARY KEY CHECK (code ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    -- Routes are tried in this order; no two share a position, so the choice is determined.
    position            INTEGER NOT NULL UNIQUE CHECK (position >= 0),
    name_ru             TEXT NOT NULL CHECK (name_ru <> ''),
    name_kk             TEXT NOT NULL CHECK (name_kk <> ''),
    name_en             TEXT NOT NULL CHECK (name_en <> ''),
    legal_basis_ru      TEXT NOT NULL CHECK (legal_basis_ru <> ''),
    legal_basis_kk      TEXT NOT NULL CHECK (legal_basis_kk <> ''),
    legal_basis_en      TEXT NOT NULL CHECK (legal_basis_en <> ''),
    -- Conditions. goods_list_only: every line's category is on procurement_goods_list.
    goods_list_only     BOOLEAN NOT NULL,
    -- The producer subtypes the route allows (every producer of the order must be one);
    -- empty: any producer.
    enterprise_subtypes TEXT[] NOT NULL DEFAULT '{}'
        CHECK (enterprise_subtypes <@ ARRAY['penal_institution', 'state_enterprise', 'social_enterprise']::TEXT[]),
    -- The largest order total (inclusive) the route allows; 0: no upper bound.
    max_amount_tiyn     BIGINT NOT NULL DEFAULT 0 CHECK (max_amount_tiyn >= 0),
    -- The late-delivery penalty of orders on this route: basis points of the order total
    -- per day overdue (10 = 0.1 % a day), capped at cap basis points of the total.
    penalty_bp_per_day  INTEGER NOT NULL CHECK (penalty_bp_per_day BETWEEN 0 AND 10000),
    penalty_cap_bp      INTEGER NOT NULL CHECK (penalty_cap_bp BETWEEN 0 AND 10000)
);

-- The documents a route needs, in the order the buyer prepares them.
CREATE TABLE procurement_route_documents (
    route_code TEXT NOT NULL CONSTRAINT procurement_route_documents_route_fkey
        REFERENCES procurement_routes (code) ON DELETE CASCADE,
    code       TEXT NOT NULL CHECK (code ~ '^[a-z0-9]+(_[a-z0-9]+)*$'),
    position   INTEGER NOT NULL CHECK (position >= 0),
    name_ru    TEXT NOT NULL CHECK (name_ru <> ''),
    name_kk    TEXT NOT NULL CHECK (name_kk <> ''),
    name_en    TEXT NOT NULL CHECK (name_en <> ''),
    PRIMARY KEY (route_code, code),
    UNIQUE (route_code, position)
);

-- The government's list of goods that budget organizations may buy directly from
-- penal-system enterprises, as categories of the catalog. Seeded with every category of
-- migration 00003 but "other" (a stand-in for the list the authorized body approves; the
-- operator replaces it). A listing's category is looked up as it is: parents and children
-- are both listed.
CREATE TABLE procurement_goods_list (
    category_code TEXT PRIMARY KEY CONSTRAINT procurement_goods_list_category_fkey REFERENCES categories (code)
);

INSERT INTO procurement_routes (code, position, name_ru, name_kk, name_en, legal_basis_ru, legal_basis_kk, legal_basis_en,
        goods_list_only, enterprise_subtypes, max_amount_tiyn, penalty_bp_per_day, penalty_cap_bp) VALUES
    ('direct_penal_enterprise', 10,
     'Прямой договор с предприятием уголовно-исполнительной системы',
     'Қылмыстық-атқару жүйесінің кәсіпорнымен тікелей шарт',
     'Direct contract with a penal-system enterprise',
     'Закон Республики Казахстан от 1 июля 2024 года № 106-VIII «О государственных закупках»: закупка из одного источника (прямое заключение договора) товаров, производимых государственными предприятиями уголовно-исполнительной системы, по перечню, утверждённому уполномоченным органом.',
     'Қазақстан Республикасының 2024 жылғы 1 шілдедегі № 106-VIII «Мемлекеттік сатып алу туралы» Заңы: уәкілетті орган бекіткен тізбе бойынша қылмыстық-атқару жүйесінің мемлекеттік кәсіпорындары өндіретін тауарларды бір көзден (шартты тікелей жасасу арқылы) сатып алу.',
     'Law of the Republic of Kazakhstan No. 106-VIII of 1 July 2024 "On Public Procurement": a single-source purchase (a directly concluded contract) of goods made by state enterprises of the penal system, on the list approved by the authorized body.',
     TRUE, ARRAY['state_enterprise'], 0, 10, 1000),
    ('price_offer_request', 20,
     'Запрос ценовых предложений',
     'Баға ұсыныстарын сұрату',
     'Request for price offers',
     'Закон Республики Казахстан от 1 июля 2024 года № 106-VIII «О государственных закупках»: государственные закупки способом запроса ценовых предложений, когда сумма закупки не превышает порога, установленного законодательством о государственных закупках.',
     'Қазақстан Республикасының 2024 жылғы 1 шілдедегі № 106-VIII «Мемлекеттік сатып алу туралы» Заңы: сатып алу сомасы мемлекеттік сатып алу туралы заңнамада белгіленген шектен аспаған кезде баға ұсыныстарын сұрату тәсілімен мемлекеттік сатып алу.',
     'Law of the Republic of Kazakhstan No. 106-VIII of 1 July 2024 "On Public Procurement": a purchase by request for price offers when its amount does not exceed the threshold set by the public procurement legislation.',
     FALSE, '{}', 1000000000, 10, 1000),
    ('open_tender', 30,
     'Открытый конкурс (тендер)',
     'Ашық конкурс (тендер)',
     'Open tender',
     'Закон Республики Казахстан от 1 июля 2024 года № 106-VIII «О государственных закупках»: государственные закупки способом конкурса или аукциона, когда не применяется ни один из упрощённых способов; на портале — через тендер с лотами.',
     'Қазақстан Республикасының 2024 жылғы 1 шілдедегі № 106-VIII «Мемлекеттік сатып алу туралы» Заңы: оңайлатылған тәсілдердің ешқайсысы қолданылмаған кезде конкурс немесе аукцион тәсілімен мемлекеттік сатып алу; порталда — лоттары бар тендер арқылы.',
     'Law of the Republic of Kazakhstan No. 106-VIII of 1 July 2024 "On Public Procurement": a purchase by tender or auction when none of the simpler methods applies; on the portal, through a tender with lots.',
     FALSE, '{}', 0, 10, 1000);

INSERT INTO procurement_route_documents (route_code, code, position, name_ru, name_kk, name_en) VALUES
    ('direct_penal_enterprise', 'annual_plan', 10, 'Годовой план государственных закупок с этой закупкой', 'Осы сатып алу енгізілген мемлекеттік сатып алудың жылдық жоспары', 'Annual procurement plan listing this purchase'),
    ('direct_penal_enterprise', 'goods_list_confirmation', 20, 'Подтверждение, что товары входят в перечень', 'Тауарлардың тізбеге кіретінін растау', 'Confirmation that the goods are on the list'),
    ('direct_penal_enterprise', 'technical_specification', 30, 'Техническая спецификация', 'Техникалық ерекшелік', 'Technical specification'),
    ('direct_penal_enterprise', 'contract', 40, 'Договор о государственных закупках', 'Мемлекеттік сатып алу туралы шарт', 'Public procurement contract'),
    ('price_offer_request', 'annual_plan', 10, 'Годовой план государственных закупок с этой закупкой', 'Осы сатып алу енгізілген мемлекеттік сатып алудың жылдық жоспары', 'Annual procurement plan listing this purchase'),
    ('price_offer_request', 'technical_specification', 20, 'Техническая спецификация', 'Техникалық ерекшелік', 'Technical specification'),
    ('price_offer_request', 'price_offers_record', 30, 'Полученные ценовые предложения и протокол итогов', 'Алынған баға ұсыныстары және қорытынды хаттама', 'Price offers received and the record of the results'),
    ('price_offer_request', 'contract', 40, 'Договор о государственных закупках', 'Мемлекеттік сатып алу туралы шарт', 'Public procurement contract'),
    ('open_tender', 'annual_plan', 10, 'Годовой план государственных закупок с этой закупкой', 'Осы сатып алу енгізілген мемлекеттік сатып алудың жылдық жоспары', 'Annual procurement plan listing this purchase'),
    ('open_tender', 'tender_documentation', 20, 'Конкурсная документация с технической спецификацией', 'Техникалық ерекшелігі бар конкурстық құжаттама', 'Tender documentation with the technical specification'),
    ('open_tender', 'results_record', 30, 'Протокол об итогах', 'Қорытындылар туралы хаттама', 'Record of the results'),
    ('open_tender', 'performance_security', 40, 'Обеспечение исполнения договора', 'Шарттың орындалуын қамтамасыз ету', 'Contract performance security'),
    ('open_tender', 'contract', 50, 'Договор о государственных закупках', 'Мемлекеттік сатып алу туралы шарт', 'Public procurement contract');

INSERT INTO procurement_goods_list (category_code) VALUES
    ('furniture'), ('furniture-desks'), ('furniture-chairs'), ('furniture-cabinets'), ('furniture-beds'),
    ('small-forms'), ('small-forms-benches'), ('small-forms-urns'), ('small-forms-gazebos'), ('small-forms-planters'),
    ('play'), ('play-construction'), ('play-corners'),
    ('sewn'), ('sewn-uniforms'), ('sewn-workwear'), ('sewn-bedding'),
    ('construction'), ('construction-paving'), ('construction-blocks'),
    ('metalwork');

-- +goose Down
DROP TABLE procurement_goods_list;
DROP TABLE procurement_route_documents;
DROP TABLE procurement_routes;
