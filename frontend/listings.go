package frontend

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
)

// The producer's listing editor: the enterprise's list, and one form that creates or
// edits a listing in three languages. Saving, publishing and archiving are POSTs answered
// by a redirect back to the form with a note of what was done.

// listingsPath is the address of enterprise orgID's listings.
func listingsPath(orgID int64) string { return "/orgs/" + strconv.FormatInt(orgID, 10) + "/listings" }

// editPath is the address of listing id's editor; done, if given, is the note to show.
func editPath(id int64, done string) string {
	p := "/listings/" + strconv.FormatInt(id, 10) + "/edit"
	if done != "" {
		p += "?done=" + done
	}
	return p
}

// doneNotes are the notes a redirect to the editor may ask for (editor.done_<note>).
var doneNotes = []string{"created", "saved", "published", "archived", "draft", "images", "documents"}

// listingsPage is the data of an enterprise's list of listings.
type listingsPage struct {
	Org      accounts.Organization
	Listings []catalog.Listing
	Status   string   // the filter, "" for all
	Statuses []string // the filter's choices
	CanEdit  bool
	Deleted  bool // a listing was just deleted
}

// canManageListings reports whether actor may change org's listings, to show the
// controls that will work; the domain still decides every change.
func canManageListings(actor accounts.Actor, org accounts.Organization) bool {
	return accounts.Authorize(actor, accounts.ActionManage, accounts.Resource{Kind: accounts.ResourceListings, OrgID: org.ID, Region: org.Region}) == nil &&
		org.Kind == accounts.KindProducerEnterprise
}

func (ui *UI) listingsPage(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := c.UserContext(), api.ActorOf(c)
	if actor.Anonymous() {
		return &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	status := strings.Clone(c.Query("status"))
	listings, err := ui.srv.Catalog.EnterpriseListings(ctx, actor, orgID, catalog.Status(status))
	if err != nil {
		return err
	}
	page := listingsPage{Org: org, Listings: listings, Status: status, CanEdit: canManageListings(actor, org),
		Statuses: []string{string(catalog.StatusDraft), string(catalog.StatusPublished), string(catalog.StatusArchived)},
		Deleted:  c.Query("deleted") == "1"}
	return ui.render(c, fiber.StatusOK, pageListings, ui.newView(c, page))
}

// siteOption is one production site of the editor's choice.
type siteOption struct {
	Site    catalog.Site
	Checked bool
}

// listingEditPage is the data of the listing editor.
type listingEditPage struct {
	Org        accounts.Organization
	Listing    catalog.Listing // the stored listing; ID 0 for a new one
	Form       form
	Categories []facetOption
	Units      []catalog.Unit
	Sites      []siteOption
	Action     string // where the form posts
	Done       string // the note of what was just done
	// Stale is the current version when the edit was based on an older one: the form
	// keeps what the user typed, and saving again replaces the newer version.
	Stale  int
	Limits mediaLimits
}

// mediaLimits are the catalog's limits on uploads, as the editor's hints state them.
type mediaLimits struct{ ImageMB, Megapixels, Files, Images, DocumentMB int }

// editorLimits are the catalog's upload limits in the units people read.
var editorLimits = mediaLimits{ImageMB: catalog.MaxImageBytes >> 20, Megapixels: catalog.MaxPixels / 1_000_000,
	Files: catalog.MaxFilesPerUpload, Images: catalog.MaxImagesPerListing, DocumentMB: catalog.MaxDocumentBytes >> 20}

// IsNew reports whether the editor creates a listing.
func (p listingEditPage) IsNew() bool { return p.Listing.ID == 0 }

// Can reports whether the listing may move to status to; the editor shows only those
// buttons.
func (p listingEditPage) Can(to string) bool {
	return p.Listing.ID != 0 && catalog.CanMove(p.Listing.Status, catalog.Status(to))
}

// listingForm writes a stored listing into the editor's fields, prices in lang's way.
func listingForm(l catalog.Listing, lang string) form {
	a := l.Attributes
	dim := func(mm int) string {
		if mm == 0 {
			return ""
		}
		return strconv.Itoa(mm)
	}
	v := map[string]string{
		"external_code": l.ExternalCode,
		"title_ru":      l.Title.RU, "title_kk": l.Title.KK, "title_en": l.Title.EN,
		"description_ru": l.Description.RU, "description_kk": l.Description.KK, "description_en": l.Description.EN,
		"category": l.CategoryCode, "unit": string(l.Unit),
		"price":         formatTengeAmount(lang, l.PriceTiyn, false),
		"min_order_qty": strconv.Itoa(l.MinOrderQty), "lead_time_days": strconv.Itoa(l.LeadTimeDays),
		"labour_hours": strconv.Itoa(l.LabourMinutesPerUnit / 60), "labour_minutes": strconv.Itoa(l.LabourMinutesPerUnit % 60),
		"ready_stock": strconv.Itoa(l.ReadyStock),
		"length_mm":   dim(a.LengthMM), "width_mm": dim(a.WidthMM), "height_mm": dim(a.HeightMM),
		"material_ru": a.Material.RU, "material_kk": a.Material.KK, "material_en": a.Material.EN,
		"colour_ru": a.Colour.RU, "colour_kk": a.Colour.KK, "colour_en": a.Colour.EN,
		"standard": a.Standard, "age_group": a.AgeGroup, "certification": a.Certification,
		"version": strconv.Itoa(l.Version),
	}
	if l.VATIncluded {
		v["vat_included"] = "1"
	}
	for _, id := range l.SiteIDs {
		v["site:"+strconv.FormatInt(id, 10)] = "1"
	}
	return form{Values: v}
}

// listingFields are the editor's text fields, read as sent.
var listingFields = []string{"external_code", "title_ru", "title_kk", "title_en", "description_ru", "description_kk", "description_en",
	"category", "unit", "price", "vat_included", "min_order_qty", "lead_time_days", "labour_hours", "labour_minutes", "ready_stock",
	"length_mm", "width_mm", "height_mm", "material_ru", "material_kk", "material_en", "colour_ru", "colour_kk", "colour_en",
	"standard", "age_group", "certification", "version"}

// Limits of the editor's own fields (the domain checks the listing's).
const (
	maxFormFieldLength = 10_000 // characters of any one field
	maxSiteChoices     = 2 * catalog.MaxSitesPerListing
)

// readListingForm reads the editor's fields into a ListingInput. Problems with what the
// domain cannot see (a price that is not a number) are returned as field errors; the
// form keeps every value as it was typed.
func readListingForm(c *fiber.Ctx) (catalog.ListingInput, int, form) {
	f := form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range listingFields {
		f.Values[name] = strings.TrimSpace(formValue(c, name))
		if len([]rune(f.Values[name])) > maxFormFieldLength {
			f.Errors[name] = "too long"
		}
	}
	var sites []int64
	for i, raw := range c.Context().PostArgs().PeekMulti("site_ids") {
		id, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || id <= 0 || i >= maxSiteChoices {
			f.Errors["site_ids"] = "not a production site"
			continue
		}
		sites = append(sites, id)
		f.Values["site:"+strconv.FormatInt(id, 10)] = "1"
	}
	num := func(name string, optional bool) int {
		s := f.Values[name]
		if s == "" && optional {
			return 0
		}
		n, err := strconv.Atoi(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			f.Errors[name] = "enter a whole number"
		}
		return n
	}
	v := f.Values
	in := catalog.ListingInput{
		ExternalCode: v["external_code"],
		Title:        accounts.Text{RU: v["title_ru"], KK: v["title_kk"], EN: v["title_en"]},
		Description:  accounts.Text{RU: v["description_ru"], KK: v["description_kk"], EN: v["description_en"]},
		CategoryCode: v["category"],
		Unit:         catalog.Unit(v["unit"]),
		VATIncluded:  v["vat_included"] != "",
		MinOrderQty:  num("min_order_qty", false),
		LeadTimeDays: num("lead_time_days", true),
		ReadyStock:   num("ready_stock", true),
		SiteIDs:      sites,
		Attributes: catalog.Attributes{
			LengthMM: num("length_mm", true), WidthMM: num("width_mm", true), HeightMM: num("height_mm", true),
			Material:      accounts.Text{RU: v["material_ru"], KK: v["material_kk"], EN: v["material_en"]},
			Colour:        accounts.Text{RU: v["colour_ru"], KK: v["colour_kk"], EN: v["colour_en"]},
			Standard:      v["standard"],
			AgeGroup:      v["age_group"],
			Certification: v["certification"],
		},
	}
	if tiyn, ok := parseTenge(v["price"]); ok {
		in.PriceTiyn = tiyn
	} else {
		f.Errors["price"] = "enter the price in tenge, like 12 345,67"
	}
	hours, minutes := num("labour_hours", true), num("labour_minutes", true)
	if minutes < 0 || minutes > 59 {
		f.Errors["labour_minutes"] = "between 0 and 59"
	}
	if hours < 0 || hours > catalog.MaxLabourMinutes/60 {
		f.Errors["labour_hours"] = "between 0 and " + strconv.Itoa(catalog.MaxLabourMinutes/60)
	}
	in.LabourMinutesPerUnit = hours*60 + minutes
	version, _ := strconv.Atoi(v["version"])
	return in, version, f
}

// formField is the editor's field for a field the domain names: "price_tiyn" is the
// price, "attributes.material.ru" is material_ru, "title.kk" is title_kk.
func formField(domain string) string {
	switch domain {
	case "price_tiyn":
		return "price"
	case "labour_minutes_per_unit":
		return "labour_hours"
	case "title":
		return "title_ru" // "a Russian or Kazakh title is required"
	case "enterprise_id", "status":
		return ""
	}
	return strings.ReplaceAll(strings.TrimPrefix(domain, "attributes."), ".", "_")
}

// newListingForm shows the editor for a new listing of enterprise orgID.
func (ui *UI) newListingForm(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{"unit": string(catalog.UnitPiece), "min_order_qty": "1", "lead_time_days": "0", "ready_stock": "0", "vat_included": "1"}}
	return ui.renderEditor(c, fiber.StatusOK, orgID, catalog.Listing{}, f, 0)
}

func (ui *UI) createListing(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	in, _, f := readListingForm(c)
	if f.HasErrors() {
		return ui.renderEditor(c, fiber.StatusUnprocessableEntity, orgID, catalog.Listing{}, f, 0)
	}
	l, err := ui.srv.Catalog.CreateListing(c.UserContext(), api.ActorOf(c), orgID, in)
	if status, fields, ok := formProblem(err); ok {
		addDomainErrors(&f, fields)
		return ui.renderEditor(c, status, orgID, catalog.Listing{}, f, 0)
	}
	if err != nil {
		return err
	}
	return c.Redirect(editPath(l.ID, "created"), fiber.StatusSeeOther)
}

// addDomainErrors puts the domain's field problems next to the editor's fields.
func addDomainErrors(f *form, fields map[string]string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	for field, problem := range fields {
		name := formField(field)
		if name == "" {
			name = "form"
		}
		if f.Errors[name] == "" {
			f.Errors[name] = problem
		}
	}
}

// editableListing loads listing id for its editor: only those who may manage the
// enterprise's listings get it.
func (ui *UI) editableListing(c *fiber.Ctx) (catalog.Listing, error) {
	id, err := api.PathID(c, "id")
	if err != nil {
		return catalog.Listing{}, err
	}
	if api.ActorOf(c).Anonymous() {
		return catalog.Listing{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	return ui.srv.Catalog.Listing(c.UserContext(), api.ActorOf(c), id)
}

func (ui *UI) editListingForm(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	return ui.renderEditor(c, fiber.StatusOK, l.EnterpriseID, l, listingForm(l, language(c)), 0)
}

func (ui *UI) updateListing(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	in, version, f := readListingForm(c)
	if f.HasErrors() {
		return ui.renderEditor(c, fiber.StatusUnprocessableEntity, l.EnterpriseID, l, f, 0)
	}
	saved, err := ui.srv.Catalog.UpdateListing(c.UserContext(), api.ActorOf(c), l.ID, version, in)
	if stale, ok := ui.staleEdit(c, err); ok {
		// Keep what the user typed; saving again is based on the current version.
		f.Values["version"] = strconv.Itoa(stale.Version)
		return ui.renderEditor(c, fiber.StatusConflict, stale.EnterpriseID, stale, f, stale.Version)
	}
	if status, fields, ok := formProblem(err); ok {
		addDomainErrors(&f, fields)
		return ui.renderEditor(c, status, l.EnterpriseID, l, f, 0)
	}
	if err != nil {
		return err
	}
	return c.Redirect(editPath(saved.ID, "saved"), fiber.StatusSeeOther)
}

// staleEdit reports whether err refuses an edit based on an old version, and returns the
// listing as it is now.
func (ui *UI) staleEdit(c *fiber.Ctx, err error) (catalog.Listing, bool) {
	var de *accounts.Error
	if !errors.As(err, &de) || de.Code != accounts.CodeConflict || de.Fields["version"] == "" {
		return catalog.Listing{}, false
	}
	id, _ := api.PathID(c, "id")
	current, lerr := ui.srv.Catalog.Listing(c.UserContext(), api.ActorOf(c), id)
	if lerr != nil {
		return catalog.Listing{}, false
	}
	return current, true
}

// listingStatuses are the status changes the editor's buttons ask for.
var listingStatuses = map[string]catalog.Status{
	"publish": catalog.StatusPublished, "archive": catalog.StatusArchived, "draft": catalog.StatusDraft,
}

func (ui *UI) setListingStatus(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	action := formValue(c, "action")
	to, ok := listingStatuses[action]
	if !ok {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"action": "publish, archive or draft"}}
	}
	version, _ := strconv.Atoi(formValue(c, "version"))
	saved, err := ui.srv.Catalog.SetStatus(c.UserContext(), api.ActorOf(c), l.ID, version, to)
	if stale, ok := ui.staleEdit(c, err); ok {
		return ui.renderEditor(c, fiber.StatusConflict, stale.EnterpriseID, stale, listingForm(stale, language(c)), stale.Version)
	}
	if status, fields, ok := formProblem(err); ok {
		f := listingForm(l, language(c))
		addDomainErrors(&f, fields)
		return ui.renderEditor(c, status, l.EnterpriseID, l, f, 0)
	}
	if err != nil {
		return err
	}
	note := map[catalog.Status]string{catalog.StatusPublished: "published", catalog.StatusArchived: "archived", catalog.StatusDraft: "draft"}[saved.Status]
	return c.Redirect(editPath(saved.ID, note), fiber.StatusSeeOther)
}

// renderEditor shows the editor of listing l (ID 0: a new listing of orgID) with f.
func (ui *UI) renderEditor(c *fiber.Ctx, status int, orgID int64, l catalog.Listing, f form, stale int) error {
	ctx, actor := c.UserContext(), api.ActorOf(c)
	org, sites, err := ui.srv.Catalog.EditorSites(ctx, actor, orgID)
	if err != nil {
		return err
	}
	cats, err := ui.srv.Catalog.Categories(ctx)
	if err != nil {
		return err
	}
	page := listingEditPage{Org: org, Listing: l, Form: f, Units: catalog.Units, Stale: stale, Limits: editorLimits,
		Categories: categoryOptions(cats, nil, f.Value("category"))}
	for _, s := range sites {
		page.Sites = append(page.Sites, siteOption{Site: s, Checked: f.Value("site:"+strconv.FormatInt(s.ID, 10)) != ""})
	}
	if l.ID == 0 {
		page.Action = listingsPath(orgID)
	} else {
		page.Action = editPath(l.ID, "")
	}
	if done := c.Query("done"); c.Method() == fiber.MethodGet {
		for _, n := range doneNotes {
			if n == done {
				page.Done = n
			}
		}
	}
	v := ui.newView(c, page)
	if c.Method() != fiber.MethodGet {
		v.Here = page.Action
		if l.ID == 0 {
			v.Here = listingsPath(orgID) + "/new"
		}
	}
	return ui.render(c, status, pageListingEdit, v)
}

// statusButton is what the editor's "status-button" template needs.
type statusButton struct {
	View   view
	Page   listingEditPage
	Action string // publish, draft or archive
	Label  string
}

// newStatusButton builds a statusButton; templates call it as {{statusAction $ "publish" "Label"}}.
func newStatusButton(v view, action, label string) (statusButton, error) {
	p, ok := v.Page.(listingEditPage)
	if !ok {
		return statusButton{}, errors.New("frontend: statusAction outside the listing editor")
	}
	return statusButton{View: v, Page: p, Action: action, Label: label}, nil
}
