package frontend

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
)

// importPage is the data of an enterprise's bulk import page: the form and, after a
// POST, the report.
type importPage struct {
	Org     accounts.Organization
	Columns []string
	DryRun  bool
	// Report is what the import did (or would do, or why it refused the file); nil before
	// a file was sent.
	Report *catalog.ImportReport
	// Refused is the reason a file was refused as a whole (its type, its size, a missing
	// file): a problem of the request rather than of rows.
	Refused string
}

// importPageFor loads the page's organization for someone who may import into it.
func (ui *UI) importPageFor(c *fiber.Ctx) (importPage, error) {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return importPage{}, err
	}
	ctx, actor := c.UserContext(), api.ActorOf(c)
	if actor.Anonymous() {
		return importPage{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return importPage{}, err
	}
	if err := accounts.Authorize(actor, accounts.ActionManage, accounts.Resource{Kind: accounts.ResourceListings, OrgID: org.ID, Region: org.Region}); err != nil {
		return importPage{}, err
	}
	return importPage{Org: org, Columns: catalog.ImportColumns}, nil
}

func (ui *UI) importForm(c *fiber.Ctx) error {
	page, err := ui.importPageFor(c)
	if err != nil {
		return err
	}
	return ui.render(c, fiber.StatusOK, pageImport, ui.newView(c, page))
}

func (ui *UI) importListings(c *fiber.Ctx) error {
	page, err := ui.importPageFor(c)
	if err != nil {
		return err
	}
	page.DryRun = formValue(c, "dry_run") != ""
	format, data, err := api.ImportFile(c)
	if err == nil {
		var rep catalog.ImportReport
		rep, err = ui.srv.Catalog.ImportListings(c.UserContext(), api.ActorOf(c), page.Org.ID, format, data, page.DryRun)
		if err == nil || len(rep.Errors) > 0 {
			page.Report = &rep
		}
	}
	status := fiber.StatusOK
	if err != nil {
		var de *accounts.Error
		status, de = api.DomainError(err)
		if status >= 500 || status == fiber.StatusNotFound || status == fiber.StatusForbidden || status == fiber.StatusUnauthorized {
			return err
		}
		if page.Report == nil {
			page.Refused = de.Message
			for _, msg := range de.Fields {
				page.Refused += ": " + msg
			}
		}
	}
	v := ui.newView(c, page)
	v.Here = importPath(page.Org.ID)
	return ui.render(c, status, pageImport, v)
}

// importPath is the address of organization orgID's import page.
func importPath(orgID int64) string {
	return "/orgs/" + strconv.FormatInt(orgID, 10) + "/listings/import"
}
