package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/cmd/sheber/internal/demoart"
)

// demoCatalogManager is the demo account in whose name the demo catalog is created: the
// producer manager of every demo enterprise.
const demoCatalogManager = "producer-manager@" + demoEmailDomain

// demoSeedWorkers is how many demo listings are illustrated and published at once; the
// image processing itself is bounded by catalog/imaging.MaxConcurrent.
const demoSeedWorkers = 4

// demoPublishAttempts bounds how often the seed retries publishing a listing that another
// writer changed in between (each attempt reloads it).
const demoPublishAttempts = 3

// catalogSummary says what seedDemoCatalog did. Images counts the listings that got their
// drawing (Created) or had images already (Present).
type catalogSummary struct {
	Listings, Images, Published seedCount
}

func (s catalogSummary) String() string {
	return fmt.Sprintf("%d listings created, %d already present; %d illustrated, %d already with images or withdrawn; %d listings published, %d already published or withdrawn",
		s.Listings.Created, s.Listings.Present, s.Images.Created, s.Images.Present, s.Published.Created, s.Published.Present)
}

var demoCodePattern = regexp.MustCompile(`^DEMO-[0-9]{3}$`)

// validateDemoCatalog checks the demo catalog's table before anything touches the
// database: codes, enterprises, sites, titles and drawings. Categories and their workshop
// kinds live in the database and are checked by seedDemoCatalog.
func validateDemoCatalog() error {
	siteKinds := map[string]accounts.WorkshopKind{} // enterprise + code -> kind
	for _, s := range demoSites {
		siteKinds[s.Enterprise+"\x00"+s.Code] = s.Kind
	}
	enterprises := map[string]bool{}
	for _, o := range demoOrgs {
		enterprises[o.Key] = o.Kind == accounts.KindProducerEnterprise
	}
	arts := map[demoart.Subject]bool{}
	for _, s := range demoart.Subjects() {
		arts[s] = true
	}
	codes := map[string]bool{}
	for _, d := range demoListings {
		switch {
		case !demoCodePattern.MatchString(d.Code):
			return fmt.Errorf("seed demo: listing code %q is not DEMO-nnn", d.Code)
		case codes[d.Code]:
			return fmt.Errorf("seed demo: listing code %s twice", d.Code)
		case !enterprises[d.Enterprise]:
			return fmt.Errorf("seed demo: listing %s: %q is not a demo enterprise", d.Code, d.Enterprise)
		case d.Title.RU == "" || d.Title.KK == "" || d.Title.EN == "" || d.Description.RU == "" || d.Description.KK == "" || d.Description.EN == "":
			return fmt.Errorf("seed demo: listing %s lacks a title or description in ru, kk or en", d.Code)
		case !arts[d.Art]:
			return fmt.Errorf("seed demo: listing %s: no drawing %q", d.Code, d.Art)
		case len(d.Sites) == 0:
			return fmt.Errorf("seed demo: listing %s has no production site", d.Code)
		}
		codes[d.Code] = true
		for _, code := range d.Sites {
			if _, ok := siteKinds[d.Enterprise+"\x00"+code]; !ok {
				return fmt.Errorf("seed demo: listing %s: %s has no demo site %s", d.Code, d.Enterprise, code)
			}
		}
	}
	return nil
}

// input returns the listing as the catalog's input, on the sites with the given ids.
func (d demoListing) input(siteIDs []int64) catalog.ListingInput {
	return catalog.ListingInput{
		ExternalCode: d.Code, Title: d.Title, Description: d.Description, CategoryCode: d.Category,
		Attributes: d.Attributes, Unit: d.Unit, PriceTiyn: d.PriceTiyn, VATIncluded: d.VAT,
		MinOrderQty: d.MinOrder, LeadTimeDays: d.LeadDays, LabourMinutesPerUnit: d.Labour,
		ReadyStock: d.Stock, SiteIDs: siteIDs,
	}
}

// seedDemoCatalog publishes the demo catalog through the catalog's own use cases, in the
// name of the demo producer manager, so that every rule of the domain (validation, price
// history, search columns, the search outbox) applies as it would to a manager's edits. It
// runs after seedDemo, which creates the enterprises, their sites and the manager.
//
// Listings are matched by their external code: one that exists is left as it is (a draft
// is published, one without images gets its drawing; one that someone withdrew stays
// withdrawn), so a second run changes nothing. A new listing gets its drawing before it is
// published, so that the public catalog never shows it without one. Two runs at once do not race: each enterprise's demo listings are seeded under
// that enterprise's import lock, held by a transaction of its own for the duration, so the
// second run waits and then finds everything present.
func seedDemoCatalog(ctx context.Context, accts accounts.Store, cat *catalog.Service) (catalogSummary, error) {
	var sum catalogSummary
	if err := validateDemoCatalog(); err != nil {
		return sum, err
	}
	u, err := accts.UserByEmail(ctx, demoCatalogManager)
	if err != nil {
		return sum, fmt.Errorf("seed demo: the demo catalog's manager %s: %w", demoCatalogManager, err)
	}
	ms, err := accts.UserMemberships(ctx, u.ID)
	if err != nil {
		return sum, fmt.Errorf("seed demo: memberships of %s: %w", demoCatalogManager, err)
	}
	actor := accounts.Actor{UserID: u.ID, Memberships: ms}

	cats, err := cat.Categories(ctx)
	if err != nil {
		return sum, fmt.Errorf("seed demo: categories: %w", err)
	}
	kinds := make(map[string]accounts.WorkshopKind, len(cats))
	for _, c := range cats {
		kinds[c.Code] = c.WorkshopKind
	}

	// The enterprises in the order of demoOrgs, each with its listings.
	byEnterprise := map[string][]demoListing{}
	for _, d := range demoListings {
		byEnterprise[d.Enterprise] = append(byEnterprise[d.Enterprise], d)
	}
	for _, o := range demoOrgs {
		list := byEnterprise[o.Key]
		if len(list) == 0 {
			continue
		}
		ent, err := accts.OrganizationByBIN(ctx, o.BIN)
		if err != nil {
			return sum, fmt.Errorf("seed demo: enterprise %s: %w", o.Key, err)
		}
		err = cat.Store.InTx(ctx, func(lock catalog.Store) error {
			if err := lock.LockImports(ctx, ent.ID); err != nil {
				return err
			}
			// The work goes through the service on connections of its own; the lock's
			// transaction only holds the lock.
			return seedEnterpriseCatalog(ctx, accts, cat, actor, ent.ID, list, kinds, &sum)
		})
		if err != nil {
			return sum, fmt.Errorf("seed demo: catalog of %s: %w", o.Key, err)
		}
	}
	return sum, nil
}

// seedEnterpriseCatalog seeds one enterprise's demo listings; the caller holds the
// enterprise's import lock.
func seedEnterpriseCatalog(ctx context.Context, accts accounts.Store, cat *catalog.Service, actor accounts.Actor, entID int64,
	list []demoListing, kinds map[string]accounts.WorkshopKind, sum *catalogSummary) error {
	sites, err := accts.ProductionSites(ctx, entID)
	if err != nil {
		return err
	}
	siteByCode := make(map[string]accounts.ProductionSite, len(sites))
	for _, s := range sites {
		siteByCode[s.Code] = s
	}
	codes := make([]string, len(list))
	for i, d := range list {
		codes[i] = d.Code
	}
	found, err := cat.ListingsByExternalCode(ctx, actor, entID, codes)
	if err != nil {
		return err
	}
	existing := make(map[string]catalog.Listing, len(found))
	for _, l := range found {
		existing[l.ExternalCode] = l
	}

	// Listings are created one by one (cheap), then finished by demoSeedWorkers.
	todo := make([]demoWork, 0, len(list))
	for _, d := range list {
		l, ok := existing[d.Code]
		sum.Listings.add(!ok)
		if !ok {
			kind, known := kinds[d.Category]
			if !known {
				return fmt.Errorf("listing %s: unknown category %q", d.Code, d.Category)
			}
			ids := make([]int64, 0, len(d.Sites))
			for _, code := range d.Sites {
				site, ok := siteByCode[code]
				if !ok {
					return fmt.Errorf("listing %s: no production site %s", d.Code, code)
				}
				if site.WorkshopKind != kind {
					return fmt.Errorf("listing %s: site %s is a %s workshop, category %s needs %s", d.Code, code, site.WorkshopKind, d.Category, kind)
				}
				ids = append(ids, site.ID)
			}
			if l, err = cat.CreateListing(ctx, actor, entID, d.input(ids)); err != nil {
				return fmt.Errorf("create listing %s: %w", d.Code, err)
			}
		}
		todo = append(todo, demoWork{d: d, l: l, found: ok})
	}

	// Drawing and uploading the images is most of the work: a few listings at a time.
	work := make(chan demoWork)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // guards sum and firstErr
		firstErr error
	)
	for w := 0; w < demoSeedWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range work {
				mu.Lock()
				failed := firstErr != nil
				mu.Unlock()
				if failed {
					continue // the run fails anyway: take the rest off the channel
				}
				illustrated, published, err := finishDemoListing(ctx, cat, actor, entID, job)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					sum.Images.add(illustrated)
					sum.Published.add(published)
				}
				mu.Unlock()
			}
		}()
	}
	for _, job := range todo {
		work <- job
	}
	close(work)
	wg.Wait()
	return firstErr
}

// demoWork is a demo listing to illustrate and publish: found tells whether it existed
// before this run.
type demoWork struct {
	d     demoListing
	l     catalog.Listing
	found bool
}

// finishDemoListing gives a listing its drawing and publishes it, unless someone withdrew
// it, and reports whether it added an image and whether it published the listing.
func finishDemoListing(ctx context.Context, cat *catalog.Service, actor accounts.Actor, entID int64, job demoWork) (illustrated, published bool, err error) {
	if job.l.Status == catalog.StatusArchived {
		return false, false, nil // withdrawn by someone: left as it is
	}
	if illustrated, err = illustrateDemoListing(ctx, cat, actor, job.d, job.l, job.found); err != nil {
		return false, false, fmt.Errorf("illustrate listing %s: %w", job.d.Code, err)
	}
	if job.l.Status != catalog.StatusDraft {
		return illustrated, false, nil
	}
	if err := publishDemoListing(ctx, cat, actor, entID, job.l); err != nil {
		return illustrated, false, fmt.Errorf("publish listing %s: %w", job.d.Code, err)
	}
	return illustrated, true, nil
}

// publishDemoListing publishes draft l. If someone changed it in between (a stale
// version), it reloads the listing and tries again; one that is no longer a draft is left
// as it is.
func publishDemoListing(ctx context.Context, cat *catalog.Service, actor accounts.Actor, entID int64, l catalog.Listing) error {
	var err error
	for attempt := 0; attempt < demoPublishAttempts; attempt++ {
		if l.Status != catalog.StatusDraft {
			return nil
		}
		if _, err = cat.SetStatus(ctx, actor, l.ID, l.Version, catalog.StatusPublished); accounts.ErrorCode(err) != accounts.CodeConflict {
			return err
		}
		found, ferr := cat.ListingsByExternalCode(ctx, actor, entID, []string{l.ExternalCode})
		if ferr != nil {
			return ferr
		}
		if len(found) != 1 {
			return fmt.Errorf("listing %s vanished while it was being published", l.ExternalCode)
		}
		l = found[0]
	}
	return err
}

// illustrateDemoListing gives listing l, which has no images if it was just created (found
// is false), the drawing of its subject, unless it has images already. It reports whether
// it added one. The drawing is made now, in memory: none is stored in the repository.
func illustrateDemoListing(ctx context.Context, cat *catalog.Service, actor accounts.Actor, d demoListing, l catalog.Listing, found bool) (bool, error) {
	if found {
		// ListingsByExternalCode does not load media; the listing itself does.
		full, err := cat.Listing(ctx, actor, l.ID)
		if err != nil {
			return false, err
		}
		if len(full.Images) > 0 {
			return false, nil
		}
	}
	data, err := demoart.PNG(d.Art, d.variant())
	if err != nil {
		return false, err
	}
	alt := accounts.Text{RU: "Рисунок: " + d.Title.RU, KK: "Сурет: " + d.Title.KK, EN: "Drawing: " + d.Title.EN}
	_, err = cat.AddImages(ctx, actor, l.ID, []catalog.Upload{{FileName: strings.ToLower(d.Code) + ".png", Data: data, Text: alt}})
	return err == nil, err
}

// variant is the colour variant of the listing's drawing: its number, so that listings
// with the same subject look a little different.
func (d demoListing) variant() int {
	n, _ := strconv.Atoi(strings.TrimPrefix(d.Code, "DEMO-"))
	return n
}
