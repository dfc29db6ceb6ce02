package accounts

import (
	"context"
	"time"
)

// Limits of e-mail delivery.
const (
	// EmailBatch is how many messages one delivery round takes.
	EmailBatch = 20
	// EmailMaxAttempts gives up on a message after this many failed deliveries.
	EmailMaxAttempts = 12
	// EmailMaxRetryDelay caps the back-off between attempts.
	EmailMaxRetryDelay = time.Hour
	// EmailLease is how long a worker holds a message it is sending; if it dies, another
	// worker takes the message when the lease ends. Longer than one SMTP delivery may take.
	EmailLease = 5 * time.Minute
)

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// EmailOutbox hands out queued messages for delivery.
type EmailOutbox interface {
	// DeliverDue takes, one at a time and each for lease, up to limit messages due at now
	// that no other worker holds and that have had fewer than maxAttempts attempts; calls
	// send for each; and records the outcome: sent, or the error with the next attempt
	// retryDelay(attempts) later. It stops early when ctx ends and returns how many were
	// sent.
	DeliverDue(ctx context.Context, now time.Time, limit, maxAttempts int, lease time.Duration,
		send func(context.Context, Email) error, retryDelay func(attempts int) time.Duration) (int, error)
}

// EmailRetryDelay is exponential back-off from 30 s, capped at EmailMaxRetryDelay.
func EmailRetryDelay(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < EmailMaxRetryDelay; i++ {
		d *= 2
	}
	if d > EmailMaxRetryDelay {
		d = EmailMaxRetryDelay
	}
	return d
}

// DeliverEmails runs one delivery round of the outbox through mailer.
func DeliverEmails(ctx context.Context, outbox EmailOutbox, mailer Mailer, now time.Time) (int, error) {
	return outbox.DeliverDue(ctx, now, EmailBatch, EmailMaxAttempts, EmailLease, mailer.Send, EmailRetryDelay)
}
