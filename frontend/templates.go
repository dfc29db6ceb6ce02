package frontend

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// Page templates: templates/<name>.html, each defining "title" and "content" for the
// layout in templates/layout.html. New fails if one is missing.
const (
	pageHome              = "home"
	pageLogin             = "login"
	pageAccount           = "account"
	pageOrgAdmin          = "org_admin"
	pageInvitationCreated = "invitation_created"
	pageTokenIssued       = "token_issued"
	pageInvitation        = "invitation"
	pageError             = "error"
	pageCatalog           = "catalog"
	pageProduct           = "product"
	pageListings          = "listings"
	pageListingEdit       = "listing_edit"
	pageImport            = "import"
	pageCart              = "cart"
	pageOrders            = "orders"
	pageOrder             = "order"
	pageBudget            = "budget"
	pageQueue             = "queue"
	pageFulfillment       = "fulfillment"
	pageNotifications     = "notifications"
	pageCabinet           = "cabinet"
	pageCustomRequests    = "custom_requests"
	pageCustomRequestNew  = "custom_request_new"
	pageCustomRequest     = "custom_request"
)

// pages lists every page template the UI renders.
var pages = []string{pageHome, pageLogin, pageAccount, pageOrgAdmin, pageInvitationCreated, pageTokenIssued, pageInvitation, pageError,
	pageCatalog, pageProduct, pageListings, pageListingEdit, pageImport,
	pageCart, pageOrders, pageOrder, pageBudget, pageQueue, pageFulfillment, pageNotifications, pageCabinet,
	pageCustomRequests, pageCustomRequestNew, pageCustomRequest}

// timeLayout is how the portal writes a moment: day.month.year hours:minutes.
const timeLayout = "02.01.2006 15:04"

// dateLayout is how the portal writes a calendar day.
const dateLayout = "02.01.2006"

// templateSet holds one language's page templates, by page name.
type templateSet map[string]*template.Template

// templateFuncs returns the functions templates call, bound to one language.
//
//	{{t "key" args...}}    the text of key in the page's language
//	{{asset "app.css"}}    the content-hashed address of a static file
//	{{text .Name}}         an accounts.Text in the page's language
//	{{kindName .Kind}}     the name of an organization kind
//	{{roleName .Role}}     the name of a role
//	{{datetime .At}}       a time in Asia/Almaty, 02.01.2006 15:04
//	{{csrfField}}          the name of the form field that carries the CSRF token
//	{{textLang .Title}}    the language {{text .Title}} is in (the page's, or a fallback)
//	{{fallbackLang .Title}} that language if it is not the page's, else ""
//	{{tenge .PriceTiyn}}   a price in tiyn written in tenge, "12 345,67 ₸"
//	{{unitName .Unit}}     the name of a unit of measure
//	{{regionName .Region}} the name of a region
//	{{add 1 2}}            integer addition, for counters
//	{{date .PromisedDate}}  an orders.Date as 02.01.2006, "—" when not set
//	{{hours .Minutes}}     labour minutes as whole hours (rounded up)
//	{{orderStatus .Status}} {{fulfillmentStatus .Status}} {{eventAction .Action}} names of states and actions
func templateFuncs(lang string, c messages, a *assets, zone *time.Location) template.FuncMap {
	return template.FuncMap{
		"textLang":     func(t accounts.Text) string { return textLanguage(t, lang) },
		"fallbackLang": func(t accounts.Text) string { return fallbackLanguage(t, lang) },
		"tenge":        func(tiyn int64) string { return formatTenge(lang, tiyn) },
		"unitName":     func(u any) string { return c.translate(fmt.Sprint("unit.", u)) },
		"regionName": func(code string) string {
			if r, ok := accounts.RegionByCode(code); ok {
				return r.Name.In(lang)
			}
			return code
		},
		"add": func(a, b int) int { return a + b },
		"date": func(d orders.Date) string {
			if d.IsZero() {
				return "—"
			}
			return d.Time().Format(dateLayout)
		},
		"hours":             func(minutes int64) int { return hoursOf(minutes) },
		"orderStatus":       func(s any) string { return c.translate(fmt.Sprint("order.status_", s)) },
		"fulfillmentStatus": func(s any) string { return c.translate(fmt.Sprint("fulfillment.status_", s)) },
		"eventAction":       func(a any) string { return c.translate(fmt.Sprint("event.", a)) },
		"eventState": func(s string) string {
			if s == "" {
				return ""
			}
			if _, ok := c["order.status_"+s]; ok {
				return c.translate("order.status_" + s)
			}
			return c.translate("fulfillment.status_" + s)
		},
		"field":        newField,
		"imageSrc":     imageSrc,
		"imageSrcset":  imageSrcset,
		"mediaURL":     catalog.MediaURL,
		"fileSize":     func(n int64) string { return fileSize(lang, n) },
		"statusAction": newStatusButton,
		"langs":        func() []string { return languages },
		"statusName":   func(s any) string { return c.translate(fmt.Sprint("listings.status_", s)) },
		"t":            c.translate,
		"asset":        a.path,
		"text":         func(t accounts.Text) string { return t.In(lang) },
		"kindName":     func(k accounts.Kind) string { return c.translate("kind." + string(k)) },
		"roleName":     func(r accounts.Role) string { return c.translate("role." + string(r)) },
		"datetime":     func(t time.Time) string { return t.In(zone).Format(timeLayout) },
		"csrfField":    func() string { return api.CSRFField },
	}
}

// parseTemplates parses the layout and every page once, then gives each language its own
// copy with the functions bound to it.
func parseTemplates(fsys fs.FS, locales map[string]messages, a *assets, zone *time.Location) (map[string]templateSet, error) {
	layout, err := template.New("layout").Funcs(templateFuncs(defaultLang, locales[defaultLang], a, zone)).
		ParseFS(fsys, "templates/layout.html", "templates/fulfillment_parts.html", "templates/payments_parts.html")
	if err != nil {
		return nil, fmt.Errorf("frontend: %w", err)
	}
	parsed := make(map[string]*template.Template, len(pages))
	for _, name := range pages {
		file := "templates/" + name + ".html"
		if _, err := fs.Stat(fsys, file); err != nil {
			return nil, fmt.Errorf("frontend: page %q has no template: %w", name, err)
		}
		page, err := template.Must(layout.Clone()).ParseFS(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("frontend: %w", err)
		}
		for _, block := range []string{"layout", "title", "content"} {
			if page.Lookup(block) == nil {
				return nil, fmt.Errorf("frontend: %s defines no %q", file, block)
			}
		}
		parsed[name] = page
	}
	out := make(map[string]templateSet, len(languages))
	for _, lang := range languages {
		set := make(templateSet, len(pages))
		for name, page := range parsed {
			clone, err := page.Clone()
			if err != nil {
				return nil, fmt.Errorf("frontend: %s: %w", name, err)
			}
			set[name] = clone.Funcs(templateFuncs(lang, locales[lang], a, zone))
		}
		out[lang] = set
	}
	return out, nil
}

// textLanguage is the language accounts.Text.In(lang) picks: lang if t has it, else the
// first of Russian, Kazakh and English that it has.
func textLanguage(t accounts.Text, lang string) string {
	own := map[string]string{langRU: t.RU, langKK: t.KK, langEN: t.EN}
	for _, l := range []string{lang, langRU, langKK, langEN} {
		if own[l] != "" {
			return l
		}
	}
	return lang
}

// fallbackLanguage is the language t is shown in when it is not lang (its text in lang is
// missing), and "" when it is lang.
func fallbackLanguage(t accounts.Text, lang string) string {
	if l := textLanguage(t, lang); l != lang {
		return l
	}
	return ""
}

// view is what every page template gets: the layout's data and the page's own in Page.
type view struct {
	Lang string
	// Here is the page's own address, where the language switch comes back to; for a page
	// that answers a POST, the page the form was on.
	Here      string
	CSRF      string
	SignedIn  bool
	AdminOrgs []accounts.Member // organizations the user administers, for the navigation
	// Cabinet says the user belongs to a buyer organization or a producer enterprise;
	// Unread counts their unread notifications.
	Cabinet bool
	Unread  int
	Page    any
}

// SignInURL is the header's sign-in link: it comes back to this page afterwards, unless
// this is the home page or the sign-in form itself.
func (v view) SignInURL() string {
	if v.Here == "/" || v.Here == "/login" || strings.HasPrefix(v.Here, "/login?") {
		return "/login"
	}
	return loginURL(v.Here)
}

// newView fills in the layout's data for the request.
func (ui *UI) newView(c *fiber.Ctx, page any) view {
	actor := api.ActorOf(c)
	v := view{Lang: language(c), Here: "/", CSRF: ui.srv.CSRFToken(c), SignedIn: actor.UserID != 0, Page: page}
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		v.Here = safeNext(c.OriginalURL(), "/")
	}
	if v.SignedIn {
		for _, m := range actor.Memberships {
			if m.Role == accounts.RoleAdmin {
				v.AdminOrgs = append(v.AdminOrgs, m)
			}
		}
		v.Cabinet = len(cabinetOrgs(actor)) > 0
		v.Unread = ui.unreadCount(c, actor)
	}
	return v
}

// render executes page into a buffer, so that a template error never sends half a page,
// and sends it with status. Pages of signed-in users are never stored by any cache; the
// others may be kept by the browser only, as they carry the visitor's CSRF token.
func (ui *UI) render(c *fiber.Ctx, status int, page string, v view) error {
	var buf bytes.Buffer
	if err := ui.execute(&buf, page, v); err != nil {
		return accounts.Internal(err)
	}
	if v.SignedIn {
		c.Set(fiber.HeaderCacheControl, "no-store")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// execute renders page in v.Lang to buf.
func (ui *UI) execute(buf *bytes.Buffer, page string, v view) error {
	tpl, ok := ui.templates[v.Lang][page]
	if !ok {
		return fmt.Errorf("frontend: no page %q in %q", page, v.Lang)
	}
	if err := tpl.ExecuteTemplate(buf, "layout", v); err != nil {
		return fmt.Errorf("frontend: render %s: %w", page, err)
	}
	return nil
}
