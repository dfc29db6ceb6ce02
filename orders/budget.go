package orders

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/sheber-kz/sheber/accounts"
)

// Limits of budget lines.
const (
	// MaxBudgetTiyn is the largest amount of one line: a trillion tenge.
	MaxBudgetTiyn = 100_000_000_000_000
	// MaxBudgetNameLength bounds a line's name, in characters.
	MaxBudgetNameLength = 300
)

// budgetCodePattern is a budget classification code: digits, letters, dots, dashes and
// slashes, as budget programmes are written ("001.015", "122-2").
var budgetCodePattern = regexp.MustCompile(`^[0-9A-Za-z./-]{1,40}$`)

// BudgetLineInput is a new budget line.
type BudgetLineInput struct {
	Year       int
	Code       string
	Name       string
	AmountTiyn int64
}

func (in *BudgetLineInput) validate() error {
	in.Code, in.Name = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name)
	v := accounts.Validation{}
	if in.Year < 2000 || in.Year > 2100 {
		v.Add("year", "must be a year between 2000 and 2100")
	}
	if !budgetCodePattern.MatchString(in.Code) {
		v.Add("code", "must be 1 to 40 digits, letters, dots, dashes or slashes")
	}
	if in.Name == "" {
		v.Add("name", "is required")
	} else if tooLong(in.Name, MaxBudgetNameLength) {
		v.Add("name", "is too long")
	}
	if in.AmountTiyn < 0 || in.AmountTiyn > MaxBudgetTiyn {
		v.Add("amount_tiyn", "must be between 0 and 10^14 tiyn")
	}
	return v.Err()
}

// BudgetLines returns a buyer organization's budget lines of year (0: all years).
func (s *Service) BudgetLines(ctx context.Context, a accounts.Actor, orgID int64, year int) ([]BudgetLine, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceBudget, accounts.ActionView, orgID, accounts.KindBuyer); err != nil {
		return nil, err
	}
	return s.Store.BudgetLines(ctx, orgID, year)
}

// CreateBudgetLine adds a budget line to a buyer organization.
func (s *Service) CreateBudgetLine(ctx context.Context, a accounts.Actor, orgID int64, in BudgetLineInput, key *IdempotencyKey) (BudgetLine, *IdempotentResult, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceBudget, accounts.ActionManage, orgID, accounts.KindBuyer); err != nil {
		return BudgetLine{}, nil, err
	}
	if err := in.validate(); err != nil {
		return BudgetLine{}, nil, err
	}
	var b BudgetLine
	var replay *IdempotentResult
	err := s.Store.InTx(ctx, func(tx Store) error {
		r, err := claim(ctx, tx, key)
		if err != nil || r != nil {
			replay = r
			return err
		}
		b = BudgetLine{OrgID: orgID, Year: in.Year, Code: in.Code, Name: in.Name, AmountTiyn: in.AmountTiyn}
		if err := tx.CreateBudgetLine(ctx, &b); err != nil {
			if accounts.ErrorCode(err) == accounts.CodeConflict {
				return &accounts.Error{Code: accounts.CodeConflict, Message: "the organization has a budget line with this code in this year",
					Fields: map[string]string{"code": "already used in " + strconv.Itoa(in.Year)}}
			}
			return err
		}
		if key != nil {
			return tx.SetIdempotentResource(ctx, *key, "budget_line", b.ID)
		}
		return nil
	})
	return b, replay, err
}

// BudgetLine returns one budget line, to those who may see the organization's budget.
func (s *Service) BudgetLine(ctx context.Context, a accounts.Actor, id int64) (BudgetLine, error) {
	b, err := s.Store.BudgetLine(ctx, id)
	if err != nil {
		return BudgetLine{}, err
	}
	if _, err := s.organization(ctx, a, accounts.ResourceBudget, accounts.ActionView, b.OrgID, accounts.KindBuyer); err != nil {
		return BudgetLine{}, err
	}
	return b, nil
}

// Settings returns a buyer organization's order settings.
func (s *Service) Settings(ctx context.Context, a accounts.Actor, orgID int64) (Settings, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceOrders, accounts.ActionView, orgID, accounts.KindBuyer); err != nil {
		return Settings{}, err
	}
	return s.Store.Settings(ctx, orgID)
}

// SaveSettings changes whether a buyer organization's orders need approval; approvers
// and admins decide it.
func (s *Service) SaveSettings(ctx context.Context, a accounts.Actor, set Settings) (Settings, error) {
	if _, err := s.organization(ctx, a, accounts.ResourceOrderApproval, accounts.ActionManage, set.OrgID, accounts.KindBuyer); err != nil {
		return Settings{}, err
	}
	if err := s.Store.SaveSettings(ctx, set); err != nil {
		return Settings{}, err
	}
	return set, nil
}
