package frontend

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

// The portal's languages, the default first.
const (
	langRU      = "ru"
	langKK      = "kk"
	langEN      = "en"
	defaultLang = langRU
)

// languages lists every language in the order the language switch shows them.
var languages = []string{langRU, langKK, langEN}

// langCookie remembers the visitor's choice of language for a year.
const (
	langCookie       = "lang"
	langCookieMaxAge = 365 * 24 * time.Hour
)

// messages maps a message key to its text in one language.
type messages map[string]string

// translate returns the text of key, formatted with args when there are any. A missing
// key shows itself, which a test and New make sure never happens.
func (c messages) translate(key string, args ...any) string {
	s, ok := c[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// loadLocales reads locales/<lang>.json for every language and checks that all of them
// have the same keys, none empty.
func loadLocales(fsys fs.FS) (map[string]messages, error) {
	out := make(map[string]messages, len(languages))
	for _, lang := range languages {
		b, err := fs.ReadFile(fsys, "locales/"+lang+".json")
		if err != nil {
			return nil, fmt.Errorf("frontend: locale %s: %w", lang, err)
		}
		var c messages
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("frontend: locale %s: %w", lang, err)
		}
		out[lang] = c
	}
	if problems := compareLocales(out); len(problems) > 0 {
		return nil, fmt.Errorf("frontend: locales disagree: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// compareLocales lists every key that is missing or empty in some language.
func compareLocales(locales map[string]messages) []string {
	keys := map[string]bool{}
	for _, c := range locales {
		for k := range c {
			keys[k] = true
		}
	}
	var problems []string
	for k := range keys {
		for _, lang := range languages {
			if strings.TrimSpace(locales[lang][k]) == "" {
				problems = append(problems, fmt.Sprintf("%s has no %q", lang, k))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// supportedLanguage returns the portal's own constant for lang, so that a value read
// from the request (whose buffer Fiber reuses) is never kept.
func supportedLanguage(lang string) (string, bool) {
	for _, l := range languages {
		if strings.EqualFold(lang, l) {
			return l, true
		}
	}
	return "", false
}

// language is the language a page is shown in: the visitor's choice from the lang
// cookie, else the best of the browser's Accept-Language, else Russian.
func language(c *fiber.Ctx) string {
	if lang, ok := supportedLanguage(c.Cookies(langCookie)); ok {
		return lang
	}
	return negotiateLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// negotiateLanguage picks the supported language with the highest quality in an
// Accept-Language header ("kk-KZ,kk;q=0.9,ru;q=0.8"), earlier entries winning ties, or the
// default when none is acceptable. Browsers sometimes send "kz" for Kazakh.
func negotiateLanguage(header string) string {
	best, bestQ := defaultLang, 0.0
	for i, part := range strings.Split(header, ",") {
		if i >= 32 {
			break // a longer list is not a browser's
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		if strings.EqualFold(primary, "kz") {
			primary = langKK
		}
		lang, ok := supportedLanguage(primary)
		if !ok {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			name, value, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(name), "q") {
				v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
				if err != nil || v < 0 || v > 1 {
					v = 0
				}
				q = v
			}
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// switchLanguage remembers the chosen language in a cookie and goes back to the page the
// switch was on.
func (ui *UI) switchLanguage(c *fiber.Ctx) error {
	lang, ok := supportedLanguage(c.FormValue("lang"))
	if !ok {
		return &accounts.Error{Code: accounts.CodeBadRequest, Message: "unknown language"}
	}
	c.Cookie(&fiber.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: int(langCookieMaxAge.Seconds()),
		Expires: time.Now().Add(langCookieMaxAge), Secure: ui.srv.SecureCookies, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	return c.Redirect(safeNext(c.FormValue("next"), "/"), fiber.StatusSeeOther)
}
