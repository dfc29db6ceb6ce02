package postgres

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheber-kz/sheber/accounts"
)

// EmailOutbox implements accounts.EmailOutbox on the email_outbox table.
type EmailOutbox struct{ db *sqlx.DB }

// NewEmailOutbox returns the outbox on db.
func NewEmailOutbox(db *DB) *EmailOutbox { return &EmailOutbox{db: db.DB} }

var _ accounts.EmailOutbox = (*EmailOutbox)(nil)

// DeliverDue implements accounts.EmailOutbox. The rows stay locked (FOR UPDATE SKIP
// LOCKED) until the outcome is committed, so two workers never send the same message; a
// crash between sending and committing sends it again (at-least-once).
func (o *EmailOutbox) DeliverDue(ctx context.Context, now time.Time, limit, maxAttempts int,
	send func(context.Context, accounts.Email) error, retryDelay func(int) time.Duration) (int, error) {
	const pick = `SELECT id, recipient, subject, body, attempts FROM email_outbox
		WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2
		ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`
	const sent = `UPDATE email_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1`
	const failed = `UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1`
	var n int
	err := inTx(ctx, o.db, o.db, func(q queryer) error {
		var rows []struct {
			ID        int64  `db:"id"`
			Recipient string `db:"recipient"`
			Subject   string `db:"subject"`
			Body      string `db:"body"`
			Attempts  int    `db:"attempts"`
		}
		if err := q.SelectContext(ctx, &rows, pick, maxAttempts, now, limit); err != nil {
			return translate(err)
		}
		for _, r := range rows {
			err := send(ctx, accounts.Email{To: r.Recipient, Subject: r.Subject, Text: r.Body})
			if err == nil {
				if _, err := q.ExecContext(ctx, sent, r.ID, now); err != nil {
					return translate(err)
				}
				n++
				continue
			}
			msg := err.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			if _, err := q.ExecContext(ctx, failed, r.ID, msg, now.Add(retryDelay(r.Attempts+1))); err != nil {
				return translate(err)
			}
		}
		return nil
	})
	return n, err
}
