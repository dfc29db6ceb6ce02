package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// ProcurementStore implements orders.ProcurementStore on the tables of migration 00010.
type ProcurementStore struct {
	db *sqlx.DB
	q  queryer
}

// NewProcurementStore returns an orders.ProcurementStore on db.
func NewProcurementStore(db *DB) *ProcurementStore {
	return &ProcurementStore{db: db.DB, q: db.prepared()}
}

var _ orders.ProcurementStore = (*ProcurementStore)(nil)

type procurementRouteRow struct {
	Code               string         `db:"code"`
	Position           int            `db:"position"`
	NameRU             string         `db:"name_ru"`
	NameKK             string         `db:"name_kk"`
	NameEN             string         `db:"name_en"`
	LegalBasisRU       string         `db:"legal_basis_ru"`
	LegalBasisKK       string         `db:"legal_basis_kk"`
	LegalBasisEN       string         `db:"legal_basis_en"`
	GoodsListOnly      bool           `db:"goods_list_only"`
	EnterpriseSubtypes pq.StringArray `db:"enterprise_subtypes"`
	MaxAmountTiyn      int64          `db:"max_amount_tiyn"`
	PenaltyBPPerDay    int            `db:"penalty_bp_per_day"`
	PenaltyCapBP       int            `db:"penalty_cap_bp"`
}

func (r procurementRouteRow) route() orders.ProcurementRoute {
	subs := make([]accounts.Subtype, len(r.EnterpriseSubtypes))
	for i, s := range r.EnterpriseSubtypes {
		subs[i] = accounts.Subtype(s)
	}
	return orders.ProcurementRoute{
		Code: r.Code, Position: r.Position,
		Name:               accounts.Text{RU: r.NameRU, KK: r.NameKK, EN: r.NameEN},
		LegalBasis:         accounts.Text{RU: r.LegalBasisRU, KK: r.LegalBasisKK, EN: r.LegalBasisEN},
		GoodsListOnly:      r.GoodsListOnly,
		EnterpriseSubtypes: subs,
		MaxAmountTiyn:      r.MaxAmountTiyn,
		Penalty:            orders.PenaltyRule{BasisPointsPerDay: r.PenaltyBPPerDay, CapBasisPoints: r.PenaltyCapBP},
	}
}

type routeDocumentRow struct {
	RouteCode string `db:"route_code"`
	Code      string `db:"code"`
	NameRU    string `db:"name_ru"`
	NameKK    string `db:"name_kk"`
	NameEN    string `db:"name_en"`
}

// ProcurementRoutes implements orders.ProcurementStore. Both reads run in one transaction
// (repeatable read) so that a route and its documents come from the same moment. A table
// longer than orders.MaxRoutes, or a row the domain refuses, is an internal error: the
// configuration is broken, and choosing from part of it would give a wrong route.
func (s *ProcurementStore) ProcurementRoutes(ctx context.Context) ([]orders.ProcurementRoute, error) {
	const qRoutes = `SELECT code, position, name_ru, name_kk, name_en, legal_basis_ru, legal_basis_kk, legal_basis_en,
			goods_list_only, enterprise_subtypes, max_amount_tiyn, penalty_bp_per_day, penalty_cap_bp
		FROM procurement_routes ORDER BY position, code LIMIT $1`
	const qDocuments = `SELECT route_code, code, name_ru, name_kk, name_en
		FROM procurement_route_documents ORDER BY route_code, position, code`
	var routes []procurementRouteRow
	var docs []routeDocumentRow
	err := s.readOnly(ctx, func(q queryer) error {
		if err := q.SelectContext(ctx, &routes, qRoutes, orders.MaxRoutes+1); err != nil {
			return err
		}
		return q.SelectContext(ctx, &docs, qDocuments)
	})
	if err != nil {
		return nil, translate(err)
	}
	if len(routes) > orders.MaxRoutes {
		return nil, accounts.Internal(fmt.Errorf("postgres: more than %d procurement routes", orders.MaxRoutes))
	}
	byCode := map[string][]orders.RouteDocument{}
	for _, d := range docs {
		byCode[d.RouteCode] = append(byCode[d.RouteCode], orders.RouteDocument{Code: d.Code, Name: accounts.Text{RU: d.NameRU, KK: d.NameKK, EN: d.NameEN}})
	}
	out := make([]orders.ProcurementRoute, len(routes))
	for i, r := range routes {
		out[i] = r.route()
		out[i].Documents = byCode[r.Code]
		if err := out[i].Validate(); err != nil {
			return nil, accounts.Internal(fmt.Errorf("postgres: procurement route %q: %w", r.Code, err))
		}
	}
	return out, nil
}

// GoodsList implements orders.ProcurementStore.
func (s *ProcurementStore) GoodsList(ctx context.Context) (map[string]bool, error) {
	const q = `SELECT category_code FROM procurement_goods_list`
	var codes []string
	if err := s.q.SelectContext(ctx, &codes, q); err != nil {
		return nil, translate(err)
	}
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

// readOnly runs fn in a read-only repeatable-read transaction, or directly on s.q when it
// already is a transaction (the caller's, whose snapshot is the one that counts).
func (s *ProcurementStore) readOnly(ctx context.Context, fn func(queryer) error) error {
	if isTx(s.q) {
		return fn(s.q)
	}
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
