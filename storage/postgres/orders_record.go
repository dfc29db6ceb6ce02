package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

type eventRow struct {
	OrderID       int64         `db:"order_id"`
	Seq           int           `db:"seq"`
	FulfillmentID sql.NullInt64 `db:"fulfillment_id"`
	At            time.Time     `db:"at"`
	ActorUserID   sql.NullInt64 `db:"actor_user_id"`
	ActorTokenID  sql.NullInt64 `db:"actor_token_id"`
	ActorOrgID    sql.NullInt64 `db:"actor_org_id"`
	Action        string        `db:"action"`
	From          string        `db:"from_state"`
	To            string        `db:"to_state"`
	Reason        string        `db:"reason"`
	Data          string        `db:"data"`
	PrevHash      []byte        `db:"prev_hash"`
	Hash          []byte        `db:"hash"`
}

func (r eventRow) event() orders.Event {
	return orders.Event{OrderID: r.OrderID, Seq: r.Seq, FulfillmentID: r.FulfillmentID.Int64, At: r.At.UTC(),
		ActorUserID: r.ActorUserID.Int64, ActorTokenID: r.ActorTokenID.Int64, ActorOrgID: r.ActorOrgID.Int64,
		Action: orders.Action(r.Action), From: r.From, To: r.To, Reason: r.Reason, Data: r.Data, PrevHash: r.PrevHash, Hash: r.Hash}
}

const eventColumns = `order_id, seq, fulfillment_id, at, actor_user_id, actor_token_id, actor_org_id, action, from_state,
	to_state, reason, data, prev_hash, hash`

// pendingWrites is what a transaction's store writes at its end (see OrdersStore.pending).
type pendingWrites struct {
	events        []orders.Event
	last          map[int64]orders.Event // each order's newest event, pending or read
	notifications []orders.Notification
	// created are the orders this transaction inserted: until it appends one, such an
	// order has no event, and nobody else can give it one before the commit.
	created map[int64]bool
	// resources are what the transaction's idempotency keys created (SetIdempotentResource).
	resources []idempotentResource
}

type idempotentResource struct {
	key  orders.IdempotencyKey
	kind string
	id   int64
}

// flush writes the pending events, notifications and idempotency keys' resources, all
// in one statement.
func (s *OrdersStore) flush(ctx context.Context) error {
	p := s.pending
	if p == nil || len(p.events)+len(p.notifications)+len(p.resources) == 0 {
		return nil
	}
	var b txWrites
	b.events(p.events)
	b.notifications(p.notifications)
	b.resources(p.resources)
	if err := b.exec(ctx, s.q); err != nil {
		return err
	}
	p.events, p.notifications, p.resources = p.events[:0], p.notifications[:0], p.resources[:0]
	return nil
}

// txWrites is one statement of several inserts and updates, each a WITH query of its
// own, with their parameters numbered in order.
type txWrites struct {
	queries []string
	args    []any
	// keys counts the idempotency keys whose resources the batch sets: that many must be
	// found.
	keys int
}

// arg adds a parameter and returns its placeholder.
func (b *txWrites) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// events inserts events.
func (b *txWrites) events(es []orders.Event) {
	if len(es) == 0 {
		return
	}
	var (
		orderIDs            []int64
		seqs                []int
		fulfillments, users []sql.NullInt64
		tokens, orgs        []sql.NullInt64
		ats                 []time.Time
		actions, froms, tos []string
		reasons, data       []string
		prevHashes, hashes  [][]byte
	)
	for _, e := range es {
		orderIDs, seqs, ats = append(orderIDs, e.OrderID), append(seqs, e.Seq), append(ats, e.At)
		fulfillments, users = append(fulfillments, nullInt(e.FulfillmentID)), append(users, nullInt(e.ActorUserID))
		tokens, orgs = append(tokens, nullInt(e.ActorTokenID)), append(orgs, nullInt(e.ActorOrgID))
		actions, froms, tos = append(actions, string(e.Action)), append(froms, e.From), append(tos, e.To)
		reasons, data = append(reasons, e.Reason), append(data, e.Data)
		prevHashes, hashes = append(prevHashes, e.PrevHash), append(hashes, e.Hash)
	}
	b.queries = append(b.queries, `INSERT INTO order_events (`+eventColumns+`)
		SELECT * FROM unnest(`+b.arg(pq.Array(orderIDs))+`::bigint[], `+b.arg(pq.Array(seqs))+`::int[], `+
		b.arg(pq.Array(fulfillments))+`::bigint[], `+b.arg(pq.Array(ats))+`::timestamptz[], `+b.arg(pq.Array(users))+`::bigint[], `+
		b.arg(pq.Array(tokens))+`::bigint[], `+b.arg(pq.Array(orgs))+`::bigint[], `+b.arg(pq.Array(actions))+`::text[], `+
		b.arg(pq.Array(froms))+`::text[], `+b.arg(pq.Array(tos))+`::text[], `+b.arg(pq.Array(reasons))+`::text[], `+
		b.arg(pq.Array(data))+`::text[], `+b.arg(pq.Array(prevHashes))+`::bytea[], `+b.arg(pq.Array(hashes))+`::bytea[])`)
}

// notifications inserts notifications and the e-mails of those with an address.
func (b *txWrites) notifications(ns []orders.Notification) {
	if len(ns) == 0 {
		return
	}
	var (
		users, orgs            []int64
		kinds, numbers, notes  []string
		orderIDs, fulfillments []sql.NullInt64
		ats                    []time.Time
		to, subjects, bodies   []string
	)
	for _, n := range ns {
		users, orgs, kinds = append(users, n.UserID), append(orgs, n.OrgID), append(kinds, string(n.Kind))
		orderIDs = append(orderIDs, nullInt(n.OrderID))
		fulfillments = append(fulfillments, nullInt(n.FulfillmentID))
		numbers, notes, ats = append(numbers, n.OrderNumber), append(notes, n.Note), append(ats, n.CreatedAt)
		if n.Email != "" {
			to, subjects, bodies = append(to, n.Email), append(subjects, n.Subject), append(bodies, n.Body)
		}
	}
	b.queries = append(b.queries, `INSERT INTO notifications (user_id, org_id, kind, order_id, order_number, fulfillment_id, note, created_at)
		SELECT * FROM unnest(`+b.arg(pq.Array(users))+`::bigint[], `+b.arg(pq.Array(orgs))+`::bigint[], `+
		b.arg(pq.Array(kinds))+`::text[], `+b.arg(pq.Array(orderIDs))+`::bigint[], `+b.arg(pq.Array(numbers))+`::text[], `+
		b.arg(pq.Array(fulfillments))+`::bigint[], `+b.arg(pq.Array(notes))+`::text[], `+b.arg(pq.Array(ats))+`::timestamptz[])`)
	if len(to) > 0 {
		b.queries = append(b.queries, `INSERT INTO email_outbox (recipient, subject, body)
			SELECT * FROM unnest(`+b.arg(pq.Array(to))+`::text[], `+b.arg(pq.Array(subjects))+`::text[], `+
			b.arg(pq.Array(bodies))+`::text[])`)
	}
}

// resources records what idempotency keys created.
func (b *txWrites) resources(rs []idempotentResource) {
	if len(rs) == 0 {
		return
	}
	var scopes, keys, kinds []string
	var ids []int64
	for _, r := range rs {
		scopes, keys, kinds, ids = append(scopes, r.key.Scope), append(keys, r.key.Key), append(kinds, r.kind), append(ids, r.id)
	}
	b.keys += len(rs)
	b.queries = append(b.queries, `UPDATE idempotency_keys k SET resource_kind = u.kind, resource_id = u.id
		FROM unnest(`+b.arg(pq.Array(scopes))+`::text[], `+b.arg(pq.Array(keys))+`::text[], `+b.arg(pq.Array(kinds))+`::text[], `+
		b.arg(pq.Array(ids))+`::bigint[]) AS u(scope, key, kind, id)
		WHERE k.scope = u.scope AND k.key = u.key`)
}

// exec runs the batch: every query but the last in a WITH, the last as the statement
// (PostgreSQL runs a data-modifying WITH query whether or not the statement reads it).
// An idempotency key that is not found is CodeNotFound: resources adds the keys' update
// last, so that its rows are the statement's.
func (b *txWrites) exec(ctx context.Context, q queryer) error {
	if len(b.queries) == 0 {
		return nil
	}
	var sb strings.Builder
	last := len(b.queries) - 1
	for i, query := range b.queries[:last] {
		if i == 0 {
			sb.WriteString("WITH ")
		} else {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "w%d AS (%s) ", i, query)
	}
	sb.WriteString(b.queries[last])
	res, err := q.ExecContext(ctx, sb.String(), b.args...)
	if b.keys == 0 {
		return translate(err)
	}
	if err != nil {
		return translate(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(err)
	} else if n < int64(b.keys) {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such idempotency key"}
	}
	return nil
}

// LastEvent implements orders.Store.
func (s *OrdersStore) LastEvent(ctx context.Context, orderID int64) (*orders.Event, error) {
	if s.pending != nil {
		if e, ok := s.pending.last[orderID]; ok {
			return &e, nil
		}
		if s.pending.created[orderID] {
			return nil, nil
		}
	}
	var r eventRow
	err := s.q.GetContext(ctx, &r, `SELECT `+eventColumns+` FROM order_events WHERE order_id = $1 ORDER BY seq DESC LIMIT 1`, orderID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	e := r.event()
	if s.pending != nil {
		s.pending.last[orderID] = e
	}
	return &e, nil
}

// AppendEvent implements orders.Store; in a transaction, the event is written with the
// transaction's others just before the commit.
func (s *OrdersStore) AppendEvent(ctx context.Context, e orders.Event) error {
	if s.pending == nil {
		return s.insertEvents(ctx, []orders.Event{e})
	}
	s.pending.events = append(s.pending.events, e)
	s.pending.last[e.OrderID] = e
	return nil
}

// insertEvents inserts events in one statement.
func (s *OrdersStore) insertEvents(ctx context.Context, es []orders.Event) error {
	var b txWrites
	b.events(es)
	return b.exec(ctx, s.q)
}

// Events implements orders.Store.
func (s *OrdersStore) Events(ctx context.Context, orderID int64) ([]orders.Event, error) {
	if err := s.flush(ctx); err != nil {
		return nil, err
	}
	var rows []eventRow
	if err := s.q.SelectContext(ctx, &rows, `SELECT `+eventColumns+` FROM order_events WHERE order_id = $1 ORDER BY seq`, orderID); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Event, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.event())
	}
	return out, nil
}

// chainBatch is how many orders' events EachChain reads at a time.
const chainBatch = 500

// EachChain implements orders.Store, reading orders in id order, chainBatch at a time.
func (s *OrdersStore) EachChain(ctx context.Context, fn func(orderID int64, events []orders.Event) error) error {
	if err := s.flush(ctx); err != nil {
		return err
	}
	var after int64
	for {
		var ids []int64
		if err := s.q.SelectContext(ctx, &ids, `SELECT id FROM orders WHERE id > $1 ORDER BY id LIMIT $2`, after, chainBatch); err != nil {
			return translate(err)
		}
		if len(ids) == 0 {
			return nil
		}
		var rows []eventRow
		if err := s.q.SelectContext(ctx, &rows, `SELECT `+eventColumns+` FROM order_events WHERE order_id = ANY($1) ORDER BY order_id, seq`,
			pq.Array(ids)); err != nil {
			return translate(err)
		}
		byOrder := make(map[int64][]orders.Event, len(ids))
		for _, r := range rows {
			byOrder[r.OrderID] = append(byOrder[r.OrderID], r.event())
		}
		for _, id := range ids {
			if err := fn(id, byOrder[id]); err != nil {
				return err
			}
		}
		after = ids[len(ids)-1]
	}
}

// --- idempotency ---

// ClaimIdempotency implements orders.Store. INSERT ... ON CONFLICT DO NOTHING waits for a
// concurrent transaction holding the same key to finish; if it committed, the key is read.
func (s *OrdersStore) ClaimIdempotency(ctx context.Context, k orders.IdempotencyKey) (*orders.IdempotentResult, error) {
	res, err := s.q.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		k.Scope, k.Key, k.RequestHash)
	if err != nil {
		return nil, translate(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, translate(err)
	} else if n == 1 {
		return nil, nil
	}
	r, err := idempotentResult(ctx, s.q, k)
	if err == nil && r == nil {
		return nil, &accounts.Error{Code: accounts.CodeConflict, Message: "the idempotency key vanished; retry"}
	}
	return r, err
}

// IdempotentResult implements orders.Store.
func (s *OrdersStore) IdempotentResult(ctx context.Context, k orders.IdempotencyKey) (*orders.IdempotentResult, error) {
	return idempotentResult(ctx, s.q, k)
}

// idempotentResult reads key k as it is recorded, or nil when it is not.
func idempotentResult(ctx context.Context, q queryer, k orders.IdempotencyKey) (*orders.IdempotentResult, error) {
	var r struct {
		RequestHash  []byte        `db:"request_hash"`
		ResourceKind string        `db:"resource_kind"`
		ResourceID   int64         `db:"resource_id"`
		Status       sql.NullInt64 `db:"response_status"`
		Body         []byte        `db:"response_body"`
		CreatedAt    time.Time     `db:"created_at"`
	}
	const query = `SELECT request_hash, coalesce(resource_kind, '') AS resource_kind, coalesce(resource_id, 0) AS resource_id,
			response_status, response_body, created_at
		FROM idempotency_keys WHERE scope = $1 AND key = $2`
	err := q.GetContext(ctx, &r, query, k.Scope, k.Key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err)
	}
	return &orders.IdempotentResult{RequestHash: r.RequestHash, ResourceKind: r.ResourceKind, ResourceID: r.ResourceID,
		Status: int(r.Status.Int64), Body: r.Body, CreatedAt: r.CreatedAt}, nil
}

// SetIdempotentResource implements orders.Store; in a transaction, the key is updated
// with the transaction's events just before the commit (nothing in it reads the key
// again, and a key that is not found still fails the transaction).
func (s *OrdersStore) SetIdempotentResource(ctx context.Context, k orders.IdempotencyKey, kind string, id int64) error {
	if s.pending != nil {
		s.pending.resources = append(s.pending.resources, idempotentResource{key: k, kind: kind, id: id})
		return nil
	}
	res, err := s.q.ExecContext(ctx, `UPDATE idempotency_keys SET resource_kind = $3, resource_id = $4 WHERE scope = $1 AND key = $2`,
		k.Scope, k.Key, kind, id)
	return affected(res, err, "no such idempotency key")
}

// SaveIdempotentResponse implements orders.Store.
func (s *OrdersStore) SaveIdempotentResponse(ctx context.Context, k orders.IdempotencyKey, status int, body []byte) error {
	_, err := s.q.ExecContext(ctx, `UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`,
		k.Scope, k.Key, status, body)
	return translate(err)
}

// PurgeIdempotency implements orders.Store.
func (s *OrdersStore) PurgeIdempotency(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before)
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}

// --- notifications ---

// Notify implements orders.Store: the notification and its e-mail in the same
// transaction as the change (the e-mail outbox delivers it, once, with retries); in a
// transaction, written with its others just before the commit.
func (s *OrdersStore) Notify(ctx context.Context, ns []orders.Notification) error {
	if s.pending == nil {
		return s.insertNotifications(ctx, ns)
	}
	s.pending.notifications = append(s.pending.notifications, ns...)
	return nil
}

// insertNotifications inserts notifications and the e-mails of those with an address,
// one statement.
func (s *OrdersStore) insertNotifications(ctx context.Context, ns []orders.Notification) error {
	var b txWrites
	b.notifications(ns)
	return b.exec(ctx, s.q)
}

// Members implements orders.Store.
func (s *OrdersStore) Members(ctx context.Context, orgID int64, roles []accounts.Role) ([]orders.Recipient, error) {
	rs := make([]string, 0, len(roles))
	for _, r := range roles {
		rs = append(rs, string(r))
	}
	const q = `SELECT u.id AS user_id, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND m.role = ANY($2) ORDER BY u.id`
	var rows []struct {
		UserID int64  `db:"user_id"`
		Email  string `db:"email"`
		Name   string `db:"name"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, orgID, pq.Array(rs)); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Recipient, 0, len(rows))
	for _, r := range rows {
		out = append(out, orders.Recipient{UserID: r.UserID, Email: r.Email, Name: r.Name})
	}
	return out, nil
}

// MembersOf implements orders.Store.
func (s *OrdersStore) MembersOf(ctx context.Context, orgIDs []int64, roles []accounts.Role) (map[int64][]orders.Recipient, error) {
	rs := make([]string, 0, len(roles))
	for _, r := range roles {
		rs = append(rs, string(r))
	}
	const q = `SELECT m.org_id, u.id AS user_id, u.email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ANY($1) AND m.role = ANY($2) ORDER BY m.org_id, u.id`
	var rows []struct {
		OrgID  int64  `db:"org_id"`
		UserID int64  `db:"user_id"`
		Email  string `db:"email"`
		Name   string `db:"name"`
	}
	if err := s.q.SelectContext(ctx, &rows, q, pq.Array(orgIDs), pq.Array(rs)); err != nil {
		return nil, translate(err)
	}
	out := make(map[int64][]orders.Recipient, len(orgIDs))
	for _, r := range rows {
		out[r.OrgID] = append(out[r.OrgID], orders.Recipient{UserID: r.UserID, Email: r.Email, Name: r.Name})
	}
	return out, nil
}

// Notifications implements orders.Store.
func (s *OrdersStore) Notifications(ctx context.Context, userID int64, before int64, limit int) ([]orders.Notification, error) {
	const q = `SELECT id, user_id, org_id, kind, COALESCE(order_id, 0) AS order_id, order_number, COALESCE(fulfillment_id, 0) AS fulfillment_id,
			note, created_at, read_at
		FROM notifications WHERE user_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`
	var rows []struct {
		ID            int64        `db:"id"`
		UserID        int64        `db:"user_id"`
		OrgID         int64        `db:"org_id"`
		Kind          string       `db:"kind"`
		OrderID       int64        `db:"order_id"`
		OrderNumber   string       `db:"order_number"`
		FulfillmentID int64        `db:"fulfillment_id"`
		Note          string       `db:"note"`
		CreatedAt     time.Time    `db:"created_at"`
		ReadAt        sql.NullTime `db:"read_at"`
	}
	if err := s.listQ().SelectContext(ctx, &rows, q, userID, before, limit); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Notification, 0, len(rows))
	for _, r := range rows {
		out = append(out, orders.Notification{ID: r.ID, UserID: r.UserID, OrgID: r.OrgID, Kind: orders.NotificationKind(r.Kind), OrderID: r.OrderID,
			OrderNumber: r.OrderNumber, FulfillmentID: r.FulfillmentID, Note: r.Note, CreatedAt: r.CreatedAt, ReadAt: r.ReadAt.Time})
	}
	return out, nil
}

// UnreadCount implements orders.Store.
func (s *OrdersStore) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.q.GetContext(ctx, &n, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID)
	return n, translate(err)
}

// MarkRead implements orders.Store.
func (s *OrdersStore) MarkRead(ctx context.Context, userID int64, ids []int64, at time.Time) (int64, error) {
	q := `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`
	args := []any{userID, at}
	if ids != nil {
		q += ` AND id = ANY($3)`
		args = append(args, pq.Array(ids))
	}
	res, err := s.q.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}

// Overdue implements orders.Store.
func (s *OrdersStore) Overdue(ctx context.Context, today orders.Date, limit int) ([]orders.Fulfillment, error) {
	return s.fulfillments(ctx, true, `f.status IN ('confirmed', 'in_production', 'rework', 'ready') AND f.promised_date < $1
		AND f.delay_notified_on IS NULL ORDER BY f.promised_date, f.id LIMIT $2 FOR UPDATE OF f SKIP LOCKED`, today.String(), limit)
}

// SetDelayNotified implements orders.Store.
func (s *OrdersStore) SetDelayNotified(ctx context.Context, fulfillmentID int64, day orders.Date) error {
	_, err := s.q.ExecContext(ctx, `UPDATE fulfillments SET delay_notified_on = $2 WHERE id = $1`, fulfillmentID, day.String())
	return translate(err)
}
