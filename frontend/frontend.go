// Package frontend is Sheber's server-rendered web portal: HTML pages built with
// html/template from templates embedded in the binary, their static assets and the
// translations of the portal's three languages (Russian by default, Kazakh, English).
//
// Pages work without JavaScript. Handlers are thin, like the API's: they parse the form,
// call the domain with c.UserContext() and render; a failing call returns its error, which
// the API's one error handler maps to a status and hands to RenderError. Only forms
// re-render themselves, with the problems the domain found in their fields. Every change
// is a POST answered by a 303 redirect (Post/Redirect/Get), except where a secret is shown
// once: the page with it is the answer to the POST itself.
package frontend

import (
	"embed"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/api"
)

//go:embed templates static locales
var files embed.FS

// displayZone is where the portal's times are shown: all of Kazakhstan keeps UTC+5.
const displayZone = "Asia/Almaty"

// UI renders the portal's pages. It is safe for concurrent use: everything it holds is
// built once by New and only read afterwards.
type UI struct {
	srv       *api.Server
	assets    *assets
	templates map[string]templateSet // by language
}

// New parses the templates, loads the translations and hashes the static assets. It
// fails if a page the UI renders has no template, if a translation is missing in one
// language, or if Asia/Almaty cannot be loaded (main embeds tzdata).
func New(srv *api.Server) (*UI, error) {
	zone, err := time.LoadLocation(displayZone)
	if err != nil {
		return nil, fmt.Errorf("frontend: %w", err)
	}
	locales, err := loadLocales(files)
	if err != nil {
		return nil, err
	}
	assets, err := loadAssets(files)
	if err != nil {
		return nil, err
	}
	templates, err := parseTemplates(files, locales, assets, zone)
	if err != nil {
		return nil, err
	}
	return &UI{srv: srv, assets: assets, templates: templates}, nil
}

// Register adds the pages and /static/* to app, which api.NewApp has already given the
// global middleware (request context, authentication, CSRF checks) and the API routes.
func (ui *UI) Register(app *fiber.App) {
	app.Get(api.StaticPrefix+"*", ui.staticAsset)
	app.Post("/lang", ui.switchLanguage)

	app.Get("/", ui.home)
	app.Get("/login", ui.loginForm)
	app.Post("/login", ui.login)
	app.Post("/logout", ui.logout)
	app.Get("/account", ui.account)
	app.Post("/logout-everywhere", ui.logoutEverywhere)

	app.Get("/orgs/:id/admin", ui.orgAdmin)
	app.Post("/orgs/:id/invitations", ui.invite)
	app.Post("/orgs/:id/invitations/:invID/revoke", ui.revokeInvitation)
	app.Post("/orgs/:id/tokens", ui.issueToken)
	app.Post("/orgs/:id/tokens/:tokenID/revoke", ui.revokeToken)

	app.Get("/catalog", ui.catalogPage)
	app.Get("/catalog/:id", ui.productPage)
	app.Get("/orgs/:id/listings", ui.listingsPage)
	app.Get("/orgs/:id/listings/new", ui.newListingForm)
	app.Get("/orgs/:id/listings/import", ui.importForm)
	app.Post("/orgs/:id/listings/import", ui.importListings)
	app.Post("/orgs/:id/listings", ui.createListing)
	app.Get("/listings/:id/edit", ui.editListingForm)
	app.Post("/listings/:id/edit", ui.updateListing)
	app.Post("/listings/:id/status", ui.setListingStatus)
	app.Post("/listings/:id/delete", ui.deleteListing)
	app.Post("/listings/:id/images", ui.addImages)
	app.Post("/listings/:id/images/:imageID/alt", ui.setImageAlt)
	app.Post("/listings/:id/images/:imageID/move", ui.moveImage)
	app.Post("/listings/:id/images/:imageID/remove", ui.removeImage)
	app.Post("/listings/:id/documents", ui.addDocuments)
	app.Post("/listings/:id/documents/:docID/remove", ui.removeDocument)

	app.Get("/cabinet", ui.cabinetPage)
	app.Post("/catalog/:id/cart", ui.addToCart)
	app.Get("/orgs/:id/cart", ui.cartPage)
	app.Post("/orgs/:id/cart/:listingID", ui.setCartItem)
	app.Get("/orgs/:id/orders", ui.ordersPage)
	app.Post("/orgs/:id/orders", ui.createOrder)
	app.Get("/orgs/:id/approvals", ui.approvalsPage)
	app.Post("/orgs/:id/order-settings", ui.saveOrderSettings)
	app.Get("/orgs/:id/budget", ui.budgetPage)
	app.Post("/orgs/:id/budget", ui.createBudgetLine)
	app.Get("/orders/:id", ui.orderPage)
	app.Post("/orders/:id/:action", ui.orderAction)
	app.Get("/orgs/:id/queue", ui.queuePage)
	app.Get("/fulfillments/:id", ui.fulfillmentPage)
	app.Post("/fulfillments/:id/invoices", ui.recordInvoice) // before the catch-all of the fulfillment's actions
	app.Post("/invoices/:id/payments", ui.recordPayment)
	app.Post("/fulfillments/:id/:action", ui.fulfillmentAction)
	app.Get("/notifications", ui.notificationsPage)
	app.Post("/notifications/read", ui.markRead)
	app.Get("/orgs/:id/custom-requests", ui.customRequestsPage)
	app.Get("/orgs/:id/custom-requests/new", ui.newRequestForm)
	app.Post("/orgs/:id/custom-requests", ui.createRequest)
	app.Get("/orgs/:id/invited-requests", ui.invitedRequestsPage)
	app.Get("/cabinet/custom-requests/:id", ui.customRequestPage)
	app.Post("/cabinet/custom-requests/:id/drawings", ui.addDrawings)
	app.Post("/cabinet/custom-requests/:id/drawings/:drawingID/remove", ui.removeDrawing)
	app.Post("/cabinet/custom-requests/:id/:action", ui.requestAction)

	app.Get("/invitations/:token", ui.invitation)
	app.Post("/invitations/:token", ui.acceptInvitation)
}
