package frontend

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

// Lists of orders, custom requests and notifications are paged by id, newest first: a
// page asks the domain for one more than it shows, and if that one came, an "older" link
// continues before the last id shown (?before=<id>).

// Page sizes of the cabinets' lists (requestsPageSize is with the custom requests).
const (
	ordersPageSize        = 50
	notificationsPageSize = 50
)

// beforeQuery reads ?before=, the id a page of a list continues before (0: the newest).
func beforeQuery(c *fiber.Ctx) (int64, error) {
	s := c.Query("before")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"before": "not an id"}}
	}
	return n, nil
}

// pageOf keeps the first size of items, fetched with one more than size, and returns
// the id to continue before: that of the last kept, if more came; 0 otherwise.
func pageOf[T any](items []T, size int, id func(T) int64) ([]T, int64) {
	if len(items) <= size {
		return items, 0
	}
	items = items[:size]
	return items, id(items[size-1])
}

// pageLinks returns the links of a paged list at path: older (before the id older, if
// not 0) and newest (the first page, if this is not it), keeping the filter key=value
// when value is set.
func pageLinks(path, key, value string, before, older int64) (olderURL, newestURL string) {
	q := url.Values{}
	if value != "" {
		q.Set(key, value)
	}
	if before != 0 {
		newestURL = path
		if len(q) > 0 {
			newestURL += "?" + q.Encode()
		}
	}
	if older != 0 {
		q.Set("before", strconv.FormatInt(older, 10))
		olderURL = path + "?" + q.Encode()
	}
	return olderURL, newestURL
}
