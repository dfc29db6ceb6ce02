// Package api is Sheber's JSON API under /api/v1 on Fiber, and the HTTP foundations that
// the server-rendered frontend shares: the per-request context, request IDs and logs,
// metrics, security headers, authentication, CSRF protection and the one error handler
// that maps domain errors to statuses.
//
// Handlers are thin: they parse, call the domain with c.UserContext() and render. They
// never choose a status for an error themselves; ErrorHandler does.
package api

import (
	"context"
	_ "embed"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// Limits of the HTTP server. The README lists them too.
const (
	// MaxBodyBytes bounds every request body but those of the routes in largeBodies
	// (bulk import: MaxImportBodyBytes); larger ones get 413.
	MaxBodyBytes = 1 << 20
	// RequestTimeout is the deadline of the context each request runs under.
	RequestTimeout = 15 * time.Second
	// LargeRequestTimeout replaces RequestTimeout, ReadTimeout and WriteTimeout for the
	// routes that take files (uploads of several large images, bulk imports).
	LargeRequestTimeout = 2 * time.Minute
	// ReadTimeout and WriteTimeout bound slow clients.
	ReadTimeout  = 15 * time.Second
	WriteTimeout = 30 * time.Second
	IdleTimeout  = 60 * time.Second
	// ShutdownTimeout is how long in-flight requests get to finish on SIGTERM.
	ShutdownTimeout = 10 * time.Second
	// ReadinessTimeout bounds each dependency check of /readyz.
	ReadinessTimeout = 2 * time.Second
)

//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPISpec returns api/openapi.yaml, which describes every endpoint.
func OpenAPISpec() []byte { return openAPISpec }

// Check is one dependency that /readyz probes, or one background job whose stuck work it
// counts.
type Check struct {
	Name string
	Ping func(context.Context) error
	// Optional dependencies (search) make the service degraded, not unready.
	Optional bool
	// Stuck, set instead of Ping, counts the job's entries that keep failing (object
	// deletions that gave up, search deliveries retried for long): more than zero makes
	// the service degraded and is reported under "stuck". Such a check is optional.
	Stuck func(context.Context) (int, error)
}

// Server holds what the API's handlers and middleware need.
type Server struct {
	Accounts *accounts.Service
	// Catalog serves the category tree and the enterprises' listings.
	Catalog *catalog.Service
	// Procurement reads the procurement routes and the government's goods list.
	Procurement orders.ProcurementStore
	// Orders carries carts, orders, fulfillments, budgets and notifications.
	Orders *orders.Service
	// Secret keys the CSRF tokens (HMAC); from SESSION_SECRET.
	Secret []byte
	// SecureCookies marks cookies Secure; set when the portal is served over TLS.
	SecureCookies bool
	Logger        *slog.Logger
	Metrics       *Metrics
	Checks        []Check
	// TrustedProxies are the addresses whose X-Forwarded-For is believed.
	TrustedProxies []string
	// HTMLError renders errors of pages (non-API paths); nil means JSON everywhere.
	HTMLError func(c *fiber.Ctx, status int, e *accounts.Error) error
	// Responses, if set, keeps the encoded answers of GET /api/v1/products
	// (storage/redis.SearchCache); nil encodes every answer afresh.
	Responses ResponseCache
}

// ResponseCache keeps encoded answers that depend only on their query and on the catalog.
type ResponseCache interface {
	// Cached returns the answer stored under kind and query if the catalog has not changed
	// since it was computed; otherwise it runs compute and stores its answer. compute's
	// errors are returned unchanged and never stored.
	Cached(ctx context.Context, kind string, query []byte, compute func() ([]byte, error)) ([]byte, error)
}

// NewApp returns a Fiber app with the server's configuration, global middleware and API
// routes. The frontend adds its pages to the same app.
func NewApp(s *Server) *fiber.App {
	cfg := fiber.Config{
		AppName:               "sheber",
		BodyLimit:             MaxBodyBytes,
		ReadTimeout:           ReadTimeout,
		WriteTimeout:          WriteTimeout,
		IdleTimeout:           IdleTimeout,
		DisableStartupMessage: true,
		ErrorHandler:          s.ErrorHandler,
		StrictRouting:         false,
		CaseSensitive:         true,
	}
	if len(s.TrustedProxies) > 0 {
		cfg.EnableTrustedProxyCheck = true
		cfg.TrustedProxies = s.TrustedProxies
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
	}
	app := fiber.New(cfg)
	// BodyLimit is every route's; the few that take files raise theirs (largeBodies).
	app.Server().HeaderReceived = bodyLimit
	app.Use(RequestContext(RequestTimeout), s.Observe, Recover, SecurityHeaders)
	if s.SecureCookies {
		// Served over TLS: browsers must never come back over plain HTTP.
		app.Use(func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
			return c.Next()
		})
	}

	// Operational endpoints come before authentication: probes and scrapers send no
	// credentials, and a malformed Authorization header must not fail a health check.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	if s.Metrics != nil {
		app.Get("/metrics", s.Metrics.Handler())
	}
	app.Get("/api/openapi.yaml", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
		return c.Send(openAPISpec)
	})

	// Objects are the same for everyone: served before authentication.
	app.Get("/media/*", s.media)

	app.Use(s.Authenticate, s.CSRF)

	v1 := app.Group("/api/v1")
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/logout", s.logout)
	v1.Post("/auth/logout-everywhere", s.logoutEverywhere)
	v1.Get("/me", s.me)
	v1.Get("/regions", s.regions)
	v1.Get("/organizations/:id", s.organization)
	v1.Get("/organizations/:id/members", s.members)
	v1.Get("/organizations/:id/invitations", s.invitations)
	v1.Post("/organizations/:id/invitations", s.invite)
	v1.Delete("/organizations/:id/invitations/:invitationID", s.revokeInvitation)
	v1.Post("/invitations/accept", s.acceptInvitation)
	v1.Get("/organizations/:id/tokens", s.tokens)
	v1.Post("/organizations/:id/tokens", s.issueToken)
	v1.Delete("/organizations/:id/tokens/:tokenID", s.revokeToken)
	v1.Get("/categories", s.categories)
	v1.Get("/organizations/:id/listings", s.enterpriseListings)
	v1.Post("/organizations/:id/listings", s.createListing)
	v1.Post("/organizations/:id/listings/import", s.importListings)
	v1.Get("/listings/:id", s.listing)
	v1.Put("/listings/:id", s.updateListing)
	v1.Post("/listings/:id/publish", s.setListingStatus(catalog.StatusPublished))
	v1.Post("/listings/:id/archive", s.setListingStatus(catalog.StatusArchived))
	v1.Post("/listings/:id/unpublish", s.setListingStatus(catalog.StatusDraft))
	v1.Delete("/listings/:id", s.deleteListing)
	v1.Get("/listings/:id/prices", s.listingPrices)
	v1.Post("/listings/:id/images", s.addImages)
	v1.Put("/listings/:id/images/order", s.reorderImages)
	v1.Patch("/listings/:id/images/:imageID", s.setImageAlt)
	v1.Delete("/listings/:id/images/:imageID", s.removeImage)
	v1.Post("/listings/:id/documents", s.addDocuments)
	v1.Delete("/listings/:id/documents/:docID", s.removeDocument)
	v1.Get("/products", s.products)
	v1.Get("/products/:id", s.product)
	v1.Get("/suggest", s.suggest)
	v1.Get("/procurement-routes", s.procurementRoutes)
	// Orders (api/orders.go); (I) marks the creates that honour Idempotency-Key.
	v1.Get("/organizations/:id/cart", s.cart)
	v1.Put("/organizations/:id/cart/:listingID", s.setCartItem)
	v1.Post("/organizations/:id/orders", s.createOrder) // (I)
	v1.Get("/organizations/:id/orders", s.orgOrders)
	v1.Get("/organizations/:id/order-settings", s.orderSettings)
	v1.Put("/organizations/:id/order-settings", s.saveOrderSettings)
	v1.Get("/organizations/:id/budget-lines", s.budgetLines)
	v1.Post("/organizations/:id/budget-lines", s.createBudgetLine) // (I)
	v1.Get("/organizations/:id/queue", s.queue)
	v1.Get("/organizations/:id/load", s.load)
	v1.Get("/orders/:id", s.order)
	v1.Get("/orders/:id/quote", s.quote)
	v1.Get("/orders/:id/procurement-route", s.orderRoute)
	v1.Post("/orders/:id/submit", s.submitOrder)
	v1.Post("/orders/:id/approve", s.approveOrder)
	v1.Post("/orders/:id/return", s.returnOrder)
	v1.Post("/orders/:id/cancel", s.cancelOrder)
	v1.Get("/orders/:id/events", s.orderEvents)
	v1.Get("/orders/:id/confirmation.pdf", s.orderConfirmation)
	v1.Get("/fulfillments/:id", s.fulfillment)
	v1.Post("/fulfillments/:id/confirm", s.confirmFulfillment)
	v1.Post("/fulfillments/:id/decline", s.declineFulfillment)
	v1.Post("/fulfillments/:id/progress", s.progressFulfillment)
	v1.Post("/fulfillments/:id/ready", s.readyFulfillment)
	v1.Post("/fulfillments/:id/shipments", s.createShipment) // (I)
	v1.Post("/fulfillments/:id/deliver", s.deliverFulfillment)
	v1.Post("/fulfillments/:id/acceptances", s.createAcceptance) // (I)
	v1.Post("/fulfillments/:id/cancel", s.cancelFulfillment)
	v1.Get("/fulfillments/:id/acceptance-act.pdf", s.acceptanceAct)
	// Invoices and payments (api/payments.go).
	v1.Get("/orders/:id/invoices", s.orderInvoices)
	v1.Get("/fulfillments/:id/invoices", s.fulfillmentInvoices)
	v1.Post("/fulfillments/:id/invoices", s.createInvoice) // (I)
	v1.Post("/invoices/:id/payments", s.createPayment)     // (I)
	// Private attachments (api/attachments.go): acceptance photos, custom-request drawings.
	v1.Get("/fulfillments/:id/acceptances", s.acceptances)
	v1.Post("/fulfillments/:id/acceptances/:acceptanceID/photos", s.addAcceptancePhotos)
	v1.Delete("/fulfillments/:id/acceptances/:acceptanceID/photos/:photoID", s.removeAcceptancePhoto)
	v1.Get("/custom-requests/:id/drawings", s.drawings)
	v1.Post("/custom-requests/:id/drawings", s.addDrawings)
	v1.Delete("/custom-requests/:id/drawings/:drawingID", s.removeDrawing)
	v1.Get("/attachments/:id", s.attachmentFile(false))
	v1.Get("/attachments/:id/thumbnail", s.attachmentFile(true))
	v1.Get("/notifications", s.notifications)
	v1.Post("/notifications/read", s.markNotificationsRead)
	// Custom requests (api/custom_requests.go); (I) marks the creates that honour Idempotency-Key.
	v1.Post("/organizations/:id/custom-requests", s.createCustomRequest) // (I)
	v1.Get("/organizations/:id/custom-requests", s.orgCustomRequests)
	v1.Get("/organizations/:id/invited-requests", s.invitedCustomRequests)
	v1.Get("/custom-requests/:id", s.customRequest)
	v1.Get("/custom-requests/:id/ranking", s.customRequestRanking)
	v1.Post("/custom-requests/:id/invitations", s.inviteToCustomRequest)
	v1.Post("/custom-requests/:id/quotes", s.createCustomQuote) // (I)
	v1.Post("/custom-requests/:id/accept", s.acceptCustomQuote) // (I)
	v1.Post("/custom-requests/:id/cancel", s.cancelCustomRequest)
	v1.Get("/custom-requests/:id/events", s.customRequestEvents)
	v1.Use(func(c *fiber.Ctx) error {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such endpoint"}
	})
	return app
}

// IsAPIPath reports whether path is served as JSON rather than as a page.
func IsAPIPath(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}
