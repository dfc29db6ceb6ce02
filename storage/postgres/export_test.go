package postgres

import (
	"context"
	"strings"

	"github.com/sheber-kz/sheber/catalog"
)

// ExplainSearch returns the plan PostgreSQL chooses for Search's statement for q (folded),
// under Search's settings, in a transaction that is rolled back.
func (s *CatalogStore) ExplainSearch(ctx context.Context, q catalog.SearchQuery) (string, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	query, args, err := prepareSearch(ctx, tx, q, searchWords(q.Text))
	if err != nil {
		return "", err
	}
	var lines []string
	if err := tx.SelectContext(ctx, &lines, "EXPLAIN "+query, args...); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}
