package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/synthetic"
)

// syntheticImportRows is how many listings one import of `seed synthetic` carries: well
// under catalog.MaxImportRows and, at about 1.5 KB a row, under catalog.MaxImportBytes.
const syntheticImportRows = 5000

const seedSyntheticUsage = "usage: sheber seed synthetic --products N [--seed S]"

// syntheticSummary counts what `seed synthetic` did.
type syntheticSummary struct {
	Organizations, Sites               seedCount
	Created, Updated, Unchanged, Total int
	Took                               time.Duration
}

func (s syntheticSummary) String() string {
	return fmt.Sprintf("%d listings (%d created, %d updated, %d unchanged); organizations %d created, %d existing; sites %d created, %d existing; %s",
		s.Total, s.Created, s.Updated, s.Unchanged, s.Organizations.Created, s.Organizations.Present,
		s.Sites.Created, s.Sites.Present, s.Took.Round(time.Millisecond))
}

// parseSeedSynthetic reads the flags of `seed synthetic`.
func parseSeedSynthetic(args []string) (products int, seed uint64, err error) {
	fs := flag.NewFlagSet("seed synthetic", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&products, "products", 0, "number of listings")
	fs.Uint64Var(&seed, "seed", 1, "seed of the generator")
	if err := fs.Parse(args); err != nil {
		return 0, 0, fmt.Errorf("%w; %s", err, seedSyntheticUsage)
	}
	if fs.NArg() > 0 {
		return 0, 0, fmt.Errorf("unexpected argument %q; %s", fs.Arg(0), seedSyntheticUsage)
	}
	if products < 1 || products > synthetic.MaxProducts {
		return 0, 0, fmt.Errorf("--products must be between 1 and %d; %s", synthetic.MaxProducts, seedSyntheticUsage)
	}
	return products, seed, nil
}

// seedSynthetic makes sure the synthetic organizations and sites exist, then imports
// listings 0..products-1 of seed through the bulk import, enterprise by enterprise, as
// the system actor. Idempotent: a second run finds every organization, site and listing
// unchanged. Deterministic: the same seed gives the same rows.
func seedSynthetic(ctx context.Context, dir accounts.Store, cat *catalog.Service, products int, seed uint64) (syntheticSummary, error) {
	start := time.Now()
	var sum syntheticSummary
	insts, ents := synthetic.Organizations()
	instIDs := map[string]int64{}
	for _, in := range insts {
		id, created, err := ensureOrganization(ctx, dir, in.Organization)
		if err != nil {
			return sum, fmt.Errorf("institution %s: %w", in.Key, err)
		}
		sum.Organizations.add(created)
		instIDs[in.Key] = id
	}
	entIDs := make([]int64, len(ents))
	for i, e := range ents {
		id, created, err := ensureOrganization(ctx, dir, e.Organization)
		if err != nil {
			return sum, fmt.Errorf("enterprise %s: %w", e.Key, err)
		}
		sum.Organizations.add(created)
		entIDs[i] = id
		have, err := dir.ProductionSites(ctx, id)
		if err != nil {
			return sum, err
		}
		byCode := map[string]bool{}
		for _, s := range have {
			byCode[s.Code] = true
		}
		for _, s := range e.Sites {
			if byCode[s.Code] {
				sum.Sites.add(false)
				continue
			}
			site := accounts.ProductionSite{EnterpriseID: id, InstitutionID: instIDs[s.InstitutionKey], Code: s.Code,
				Name: s.Name, WorkshopKind: s.WorkshopKind, WeeklyCapacityHours: s.WeeklyHours}
			if err := site.Validate(); err != nil {
				return sum, fmt.Errorf("site %s of %s: %w", s.Code, e.Key, err)
			}
			if err := dir.CreateProductionSite(ctx, &site); err != nil {
				return sum, fmt.Errorf("site %s of %s: %w", s.Code, e.Key, err)
			}
			sum.Sites.add(true)
		}
	}

	// Listing n belongs to enterprise n % Enterprises: gather each enterprise's rows and
	// import them in batches.
	actor := accounts.SystemActor("sheber seed synthetic")
	for e := range ents {
		var batch bytes.Buffer
		rows := 0
		flush := func() error {
			if rows == 0 {
				return nil
			}
			rep, err := cat.ImportListings(ctx, actor, entIDs[e], catalog.ImportJSONLines, batch.Bytes(), false)
			if err != nil {
				for _, ie := range rep.Errors {
					err = fmt.Errorf("%w; row %d, %s: %s", err, ie.Row, ie.Column, ie.Message)
				}
				return fmt.Errorf("import for %s: %w", ents[e].Key, err)
			}
			sum.Created += rep.Created
			sum.Updated += rep.Updated
			sum.Unchanged += rep.Unchanged
			sum.Total += rep.Created + rep.Updated + rep.Unchanged
			batch.Reset()
			rows = 0
			return nil
		}
		enc := json.NewEncoder(&batch)
		for n := e; n < products; n += len(ents) {
			if err := enc.Encode(synthetic.Record(synthetic.Generate(seed, n))); err != nil {
				return sum, err
			}
			if rows++; rows == syntheticImportRows {
				if err := flush(); err != nil {
					return sum, err
				}
			}
		}
		if err := flush(); err != nil {
			return sum, err
		}
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// ensureOrganization finds o by its BIN or creates it; it reports whether it created it.
// An organization of another kind holding the BIN is refused.
func ensureOrganization(ctx context.Context, dir accounts.Store, o accounts.Organization) (int64, bool, error) {
	found, err := dir.OrganizationByBIN(ctx, o.BIN)
	if err == nil {
		if found.Kind != o.Kind {
			return 0, false, fmt.Errorf("BIN %s already belongs to %q, a %s", o.BIN, found.Name.In("ru"), found.Kind)
		}
		return found.ID, false, nil
	}
	if accounts.ErrorCode(err) != accounts.CodeNotFound {
		return 0, false, err
	}
	if err := o.Validate(); err != nil {
		return 0, false, err
	}
	if err := dir.CreateOrganization(ctx, &o); err != nil {
		if accounts.ErrorCode(err) == accounts.CodeConflict { // created meanwhile by another seed
			found, ferr := dir.OrganizationByBIN(ctx, o.BIN)
			if ferr == nil {
				return found.ID, false, nil
			}
		}
		return 0, false, err
	}
	return o.ID, true, nil
}

var errSeedUsage = errors.New("usage: sheber seed demo | sheber seed synthetic --products N [--seed S]")
