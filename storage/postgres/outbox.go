package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheber-kz/sheber/accounts"
)

// EmailOutbox implements accounts.EmailOutbox on the email_outbox table.
type EmailOutbox struct{ db *sqlx.DB }

// NewEmailOutbox returns the outbox on db.
func NewEmailOutbox(db *DB) *EmailOutbox { return &EmailOutbox{db: db.DB} }

var _ accounts.EmailOutbox = (*EmailOutbox)(nil)

type outboxRow struct {
	ID        int64  `db:"id"`
	Recipient string `db:"recipient"`
	Subject   string `db:"subject"`
	Body      string `db:"body"`
	Attempts  int    `db:"attempts"`
}

// claim takes the next due message for lease: no other worker sees it until the lease
// ends. A worker that dies holding it loses it to the next one then, so a message is sent
// at least once and, short of a crash between sending and recording, exactly once.
func (o *EmailOutbox) claim(ctx context.Context, now time.Time, maxAttempts int, lease time.Duration) (outboxRow, error) {
	const q = `UPDATE email_outbox SET locked_until = $3
		WHERE id = (SELECT id FROM email_outbox
			WHERE sent_at IS NULL AND attempts < $2 AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
			ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING id, recipient, subject, body, attempts`
	var r outboxRow
	err := o.db.GetContext(ctx, &r, q, now, maxAttempts, now.Add(lease))
	return r, translate(err)
}

// DeliverDue implements accounts.EmailOutbox. Each outcome is recorded even when ctx ends
// (shutdown): a message that went out is never left looking unsent.
func (o *EmailOutbox) DeliverDue(ctx context.Context, now time.Time, limit, maxAttempts int, lease time.Duration,
	send func(context.Context, accounts.Email) error, retryDelay func(int) time.Duration) (int, error) {
	// The body is emptied once sent: it may hold a secret (an invitation link).
	const sent = `UPDATE email_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL, locked_until = NULL, body = ''
		WHERE id = $1`
	const failed = `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, locked_until = NULL
		WHERE id = $1`
	record := context.WithoutCancel(ctx)
	n := 0
	for n < limit && ctx.Err() == nil {
		r, err := o.claim(ctx, now, maxAttempts, lease)
		if errors.Is(err, accounts.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if err := send(ctx, accounts.Email{To: r.Recipient, Subject: r.Subject, Text: r.Body}); err != nil {
			msg := err.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			if _, err := o.db.ExecContext(record, failed, r.ID, msg, now.Add(retryDelay(r.Attempts+1))); err != nil {
				return n, translate(err)
			}
			continue
		}
		if _, err := o.db.ExecContext(record, sent, r.ID, now); err != nil {
			return n, translate(err)
		}
		n++
	}
	return n, nil
}
