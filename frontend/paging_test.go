package frontend_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

var olderLink = regexp.MustCompile(`href="([^"]+)" rel="next" id="older-page"`)

// The order list and the notifications come a page at a time, newest first: the first
// page shows the page size and links the older ones, which continue where it stopped
// (every item once, none skipped) and link back to the newest.
func TestOrdersAndNotificationsArePaged(t *testing.T) {
	e := newEnv(t)
	s := e.shop(t)
	ctx := context.Background()
	school := e.org(t, accounts.Text{RU: "Школа № 8"})
	u := e.user(t, "req@school8.kz", "Айгерим", school, accounts.RoleRequester)
	actor := accounts.Actor{UserID: u.ID, Memberships: []accounts.Member{{Membership: accounts.Membership{UserID: u.ID, OrgID: school.ID, Role: accounts.RoleRequester},
		OrgKind: school.Kind, Region: school.Region}}}
	budget := orders.BudgetLine{OrgID: school.ID, Year: orders.Today(time.Now()).Time().Year(), Code: "001", Name: "Мебель", AmountTiyn: 1_000_000_000_00}
	if err := e.ord.Store.CreateBudgetLine(ctx, &budget); err != nil {
		t.Fatal(err)
	}
	const orderCount, noticeCount = 53, 57 // page sizes 50 and 50
	for i := 0; i < orderCount; i++ {
		if _, _, err := e.ord.CreateOrder(ctx, actor, school.ID, orders.OrderInput{Lines: []orders.LineInput{{ListingID: s.desk.ID, Quantity: 10}},
			DeliveryAddress: "Алматы", BudgetLineID: budget.ID}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var ns []orders.Notification
	for i := 0; i < noticeCount; i++ {
		ns = append(ns, orders.Notification{UserID: u.ID, OrgID: school.ID, Kind: orders.NotifyShipped, OrderNumber: fmt.Sprintf("N-%03d", i), CreatedAt: time.Now()})
	}
	if err := e.ord.Store.Notify(ctx, ns); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e.app)
	signIn(t, b, "req@school8.kz")
	walk := func(first string, item *regexp.Regexp, wantFirst, total int) {
		t.Helper()
		p := b.get(first)
		p.expect(t, http.StatusOK)
		if strings.Contains(p.body, `id="newest-page"`) {
			t.Errorf("%s: the first page links to the newest", first)
		}
		seen := map[string]bool{}
		for _, m := range item.FindAllStringSubmatch(p.body, -1) {
			seen[m[1]] = true
		}
		if len(seen) != wantFirst {
			t.Errorf("%s: %d items on the first page; want %d", first, len(seen), wantFirst)
		}
		next := olderLink.FindStringSubmatch(p.body)
		if next == nil {
			t.Fatalf("%s: no link to older items", first)
		}
		if i := strings.IndexByte(first, '?'); i >= 0 && !strings.Contains(html.UnescapeString(next[1]), first[i+1:]) {
			t.Errorf("%s: the older link %s drops the filter", first, next[1])
		}
		p = b.get(html.UnescapeString(next[1]))
		p.expect(t, http.StatusOK, `id="newest-page"`)
		if olderLink.MatchString(p.body) {
			t.Errorf("%s: the last page links to older items", first)
		}
		for _, m := range item.FindAllStringSubmatch(p.body, -1) {
			if seen[m[1]] {
				t.Errorf("%s: %s is on both pages", first, m[1])
			}
			seen[m[1]] = true
		}
		if len(seen) != total {
			t.Errorf("%s: %d items on the two pages; want %d", first, len(seen), total)
		}
	}
	walk(fmt.Sprintf("/orgs/%d/orders", school.ID), regexp.MustCompile(`<td><a href="/orders/(\d+)">`), 50, orderCount)
	walk(fmt.Sprintf("/orgs/%d/orders?status=draft", school.ID), regexp.MustCompile(`<td><a href="/orders/(\d+)">`), 50, orderCount)
	walk("/notifications", regexp.MustCompile(`(N-\d{3})`), 50, noticeCount)
	b.get("/notifications?before=-1").expect(t, http.StatusUnprocessableEntity)
}
