package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/orders"
)

// The attachments of orders.AttachmentStore (migration 00013), on OrdersStore. Their
// objects share the catalog's deletion queue and its rules (media.go): an upload guards
// its keys and inserts its rows after CheckGuards; a removal queues the keys in the
// transaction that deletes the row; the deletion job counts order_attachments among the
// references.

var _ orders.AttachmentStore = (*OrdersStore)(nil)

// InAttachmentTx implements orders.AttachmentStore, as InTx does.
func (s *OrdersStore) InAttachmentTx(ctx context.Context, fn func(orders.AttachmentStore) error) error {
	return s.InTx(ctx, func(tx orders.Store) error { return fn(tx.(*OrdersStore)) })
}

// GuardObjects implements orders.AttachmentStore (catalog.ObjectGuards).
func (s *OrdersStore) GuardObjects(ctx context.Context, keys []string, until time.Time) error {
	return queueKeys(ctx, s.q, keys, until)
}

// CheckGuards implements orders.AttachmentStore (catalog.ObjectGuards).
func (s *OrdersStore) CheckGuards(ctx context.Context, keys []string, now time.Time) error {
	return checkGuards(ctx, s.q, keys, now)
}

// LockAcceptance implements orders.AttachmentStore.
func (s *OrdersStore) LockAcceptance(ctx context.Context, id int64) (orders.Acceptance, error) {
	const q = `SELECT id, fulfillment_id, accepted_at, accepted_by, defect_reason, days_overdue, penalty_tiyn
		FROM acceptances WHERE id = $1 FOR UPDATE`
	var r acceptanceRow
	if err := s.q.GetContext(ctx, &r, q, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return orders.Acceptance{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "no such acceptance"}
		}
		return orders.Acceptance{}, translate(err)
	}
	a := r.acceptance()
	a.AcceptedAt = a.AcceptedAt.UTC()
	return a, nil
}

type attachmentRow struct {
	ID            int64          `db:"id"`
	AcceptanceID  sql.NullInt64  `db:"acceptance_id"`
	FulfillmentID sql.NullInt64  `db:"fulfillment_id"`
	RequestID     sql.NullInt64  `db:"custom_request_id"`
	OrgID         int64          `db:"org_id"`
	UploadedBy    sql.NullInt64  `db:"uploaded_by"`
	FileName      string         `db:"file_name"`
	ContentType   string         `db:"content_type"`
	Key           string         `db:"object_key"`
	SizeBytes     int64          `db:"size_bytes"`
	Width         int            `db:"width"`
	Height        int            `db:"height"`
	ThumbKey      sql.NullString `db:"thumb_key"`
	ThumbWidth    int            `db:"thumb_width"`
	ThumbHeight   int            `db:"thumb_height"`
	CreatedAt     time.Time      `db:"created_at"`
}

func (r attachmentRow) attachment() orders.Attachment {
	return orders.Attachment{ID: r.ID, AcceptanceID: r.AcceptanceID.Int64, FulfillmentID: r.FulfillmentID.Int64, RequestID: r.RequestID.Int64,
		OrgID: r.OrgID, UploadedBy: r.UploadedBy.Int64, FileName: r.FileName, ContentType: r.ContentType, Key: r.Key, SizeBytes: r.SizeBytes,
		Width: r.Width, Height: r.Height, ThumbKey: r.ThumbKey.String, ThumbWidth: r.ThumbWidth, ThumbHeight: r.ThumbHeight, CreatedAt: r.CreatedAt.UTC()}
}

const attachmentSelect = `SELECT t.id, t.acceptance_id, a.fulfillment_id, t.custom_request_id, t.org_id, t.uploaded_by,
		t.file_name, t.content_type, t.object_key, t.size_bytes, t.width, t.height, t.thumb_key, t.thumb_width, t.thumb_height, t.created_at
	FROM order_attachments t LEFT JOIN acceptances a ON a.id = t.acceptance_id`

// CreateAttachment implements orders.AttachmentStore.
func (s *OrdersStore) CreateAttachment(ctx context.Context, at *orders.Attachment) error {
	const ins = `INSERT INTO order_attachments (acceptance_id, custom_request_id, org_id, uploaded_by, file_name, content_type,
			object_key, size_bytes, width, height, thumb_key, thumb_width, thumb_height)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, created_at`
	var created time.Time
	err := s.q.QueryRowxContext(ctx, ins, nullID(at.AcceptanceID), nullID(at.RequestID), at.OrgID, nullID(at.UploadedBy), at.FileName,
		at.ContentType, at.Key, at.SizeBytes, at.Width, at.Height, nullString(at.ThumbKey), at.ThumbWidth, at.ThumbHeight).Scan(&at.ID, &created)
	if err != nil {
		return translate(err)
	}
	at.CreatedAt = created.UTC()
	return nil
}

// Attachment implements orders.AttachmentStore.
func (s *OrdersStore) Attachment(ctx context.Context, id int64) (orders.Attachment, error) {
	var r attachmentRow
	if err := s.q.GetContext(ctx, &r, attachmentSelect+` WHERE t.id = $1`, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return orders.Attachment{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
		}
		return orders.Attachment{}, translate(err)
	}
	return r.attachment(), nil
}

func (s *OrdersStore) attachments(ctx context.Context, where string, arg any) ([]orders.Attachment, error) {
	var rows []attachmentRow
	if err := s.q.SelectContext(ctx, &rows, attachmentSelect+` WHERE `+where, arg); err != nil {
		return nil, translate(err)
	}
	out := make([]orders.Attachment, len(rows))
	for i, r := range rows {
		out[i] = r.attachment()
	}
	return out, nil
}

// AcceptanceAttachments implements orders.AttachmentStore.
func (s *OrdersStore) AcceptanceAttachments(ctx context.Context, fulfillmentID int64) ([]orders.Attachment, error) {
	return s.attachments(ctx, `a.fulfillment_id = $1 ORDER BY t.acceptance_id, t.id`, fulfillmentID)
}

// RequestAttachments implements orders.AttachmentStore.
func (s *OrdersStore) RequestAttachments(ctx context.Context, requestID int64) ([]orders.Attachment, error) {
	return s.attachments(ctx, `t.custom_request_id = $1 ORDER BY t.id`, requestID)
}

// DeleteAttachment implements orders.AttachmentStore.
func (s *OrdersStore) DeleteAttachment(ctx context.Context, id int64, now time.Time) error {
	const del = `DELETE FROM order_attachments WHERE id = $1 RETURNING object_key, thumb_key`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		var key string
		var thumb sql.NullString
		if err := tx.QueryRowxContext(ctx, del, id).Scan(&key, &thumb); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
			}
			return translate(err)
		}
		keys := []string{key}
		if thumb.Valid && thumb.String != key {
			keys = append(keys, thumb.String)
		}
		return queueKeys(ctx, tx, keys, now)
	})
}
