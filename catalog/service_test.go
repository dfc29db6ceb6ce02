package catalog_test

import (
	"context"
	"testing"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/storage/postgres"
	"github.com/sheber-kz/sheber/storage/postgres/postgrestest"
)

// bin returns a valid BIN with serial n.
func bin(t testing.TB, n int) string {
	t.Helper()
	for serial := n * 10; ; serial++ {
		first := "24054" + string(rune('0'+serial/100000%10)) + string(rune('0'+serial/10000%10)) + string(rune('0'+serial/1000%10)) +
			string(rune('0'+serial/100%10)) + string(rune('0'+serial/10%10)) + string(rune('0'+serial%10))
		if d, ok := accounts.BINCheckDigit(first); ok {
			return first + string(rune('0'+d))
		}
	}
}

// newService returns the catalog service on a fresh database with an enterprise that has
// one site, and that enterprise's producer manager.
func newService(t testing.TB) (*catalog.Service, accounts.Actor, int64, int64) {
	t.Helper()
	svc, manager, ent, site, _ := newServiceDB(t)
	return svc, manager, ent, site
}

// newServiceDB is newService that also returns the database.
func newServiceDB(t testing.TB) (*catalog.Service, accounts.Actor, int64, int64, *postgres.DB) {
	t.Helper()
	ctx := context.Background()
	db := postgrestest.New(t)
	store := postgres.NewAccountsStore(db)
	user := accounts.User{Email: "manager@demo.kz", Name: "Manager", PasswordHash: "unused"}
	if err := store.CreateUser(ctx, &user); err != nil {
		t.Fatal(err)
	}
	inst := accounts.Organization{BIN: bin(t, 1), Kind: accounts.KindProducerInstitution, Subtype: accounts.SubtypePenalInstitution,
		Name: accounts.Text{RU: "Учреждение № 29"}, Region: "karaganda", InstitutionNumber: 29}
	ent := accounts.Organization{BIN: bin(t, 2), Kind: accounts.KindProducerEnterprise, Subtype: accounts.SubtypeSocialEnterprise,
		Name: accounts.Text{RU: "ТОО «Демо»"}, Region: "karaganda"}
	for _, o := range []*accounts.Organization{&inst, &ent} {
		if err := store.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	site := accounts.ProductionSite{EnterpriseID: ent.ID, InstitutionID: inst.ID, Code: "WOOD", WorkshopKind: accounts.WorkshopWoodwork, WeeklyCapacityHours: 800}
	if err := store.CreateProductionSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	manager := accounts.Actor{UserID: user.ID, Memberships: []accounts.Member{{Membership: accounts.Membership{UserID: user.ID, OrgID: ent.ID, Role: accounts.RoleProducerManager},
		OrgKind: accounts.KindProducerEnterprise, Region: "karaganda"}}}
	return &catalog.Service{Store: postgres.NewCatalogStore(db), Directory: store}, manager, ent.ID, site.ID, db
}

func desk(code string, site int64) catalog.ListingInput {
	return catalog.ListingInput{ExternalCode: code, Title: accounts.Text{RU: "Парта", KK: "Парта"}, CategoryCode: "furniture-desks",
		Unit: catalog.UnitPiece, PriceTiyn: 2_500_000, MinOrderQty: 1, LeadTimeDays: 10, SiteIDs: []int64{site}}
}

// Taking another listing's external code is a conflict on that field, not a stale edit:
// reloading would not help.
func TestUpdateWithTakenExternalCodeIsNotStale(t *testing.T) {
	svc, manager, ent, site := newService(t)
	ctx := context.Background()
	if _, err := svc.CreateListing(ctx, manager, ent, desk("D-1", site)); err != nil {
		t.Fatal(err)
	}
	second, err := svc.CreateListing(ctx, manager, ent, desk("D-2", site))
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.UpdateListing(ctx, manager, second.ID, second.Version, desk("D-1", site))
	de, ok := err.(*accounts.Error)
	if !ok || de.Code != accounts.CodeConflict || de.Fields["external_code"] == "" || de.Fields["version"] != "" {
		t.Fatalf("UpdateListing with a taken code = %v; want a conflict on external_code, not on version", err)
	}
	// A stale edit still names the version.
	if _, err := svc.UpdateListing(ctx, manager, second.ID, second.Version, desk("D-3", site)); err != nil {
		t.Fatal(err)
	}
	_, err = svc.UpdateListing(ctx, manager, second.ID, second.Version, desk("D-4", site))
	if de, ok := err.(*accounts.Error); !ok || de.Code != accounts.CodeConflict || de.Fields["version"] == "" {
		t.Fatalf("stale UpdateListing = %v; want a conflict naming the current version", err)
	}
}

// The public sees an enterprise's published listings only, whatever it asks for.
func TestEnterpriseListingsForThePublic(t *testing.T) {
	svc, manager, ent, site := newService(t)
	ctx := context.Background()
	draft, err := svc.CreateListing(ctx, manager, ent, desk("", site))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := svc.CreateListing(ctx, manager, ent, desk("", site))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatus(ctx, manager, pub.ID, pub.Version, catalog.StatusPublished); err != nil {
		t.Fatal(err)
	}
	got, err := svc.EnterpriseListings(ctx, accounts.Actor{}, ent, "")
	if err != nil || len(got) != 1 || got[0].ID != pub.ID {
		t.Fatalf("public list = %+v, %v; want only the published listing", got, err)
	}
	if _, err := svc.EnterpriseListings(ctx, accounts.Actor{}, ent, catalog.StatusDraft); err == nil {
		t.Error("the public listed drafts")
	}
	if _, err := svc.PriceHistory(ctx, accounts.Actor{}, draft.ID); accounts.ErrorCode(err) != accounts.CodeNotFound {
		t.Errorf("a draft's prices to the public: %v; want not found", err)
	}
	mine, err := svc.EnterpriseListings(ctx, manager, ent, "")
	if err != nil || len(mine) != 2 {
		t.Errorf("the enterprise's own list = %d listings, %v; want 2", len(mine), err)
	}
}

// ListingsByExternalCode finds the enterprise's listings by their codes, for its managers
// only: to anyone else the enterprise's catalog is not theirs to search by code.
func TestListingsByExternalCode(t *testing.T) {
	ctx := context.Background()
	svc, manager, entID, siteID := newService(t)
	for _, code := range []string{"A-1", "A-2", "A-3"} {
		if _, err := svc.CreateListing(ctx, manager, entID, desk(code, siteID)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := svc.ListingsByExternalCode(ctx, manager, entID, []string{"A-3", "A-1", "B-9"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ExternalCode != "A-1" || got[1].ExternalCode != "A-3" {
		t.Errorf("found %+v, want A-1 and A-3", got)
	}
	stranger := accounts.Actor{UserID: manager.UserID + 1000}
	if _, err := svc.ListingsByExternalCode(ctx, stranger, entID, []string{"A-1"}); accounts.ErrorCode(err) == "" {
		t.Error("a stranger searched the enterprise's listings by code")
	}
	if _, err := svc.ListingsByExternalCode(ctx, accounts.Actor{}, entID, []string{"A-1"}); accounts.ErrorCode(err) != accounts.CodeUnauthenticated {
		t.Errorf("anonymous: %v, want unauthenticated", err)
	}
	many := make([]string, catalog.MaxListingsPerRequest+1)
	for i := range many {
		many[i] = "X"
	}
	if _, err := svc.ListingsByExternalCode(ctx, manager, entID, many); accounts.ErrorCode(err) != accounts.CodeInvalid {
		t.Errorf("too many codes: %v, want invalid", err)
	}
}
