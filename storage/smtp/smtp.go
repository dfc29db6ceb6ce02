// Package smtp delivers e-mail through an SMTP server given as SMTP_URL
// (smtp://user:pass@host:port, or smtps:// for implicit TLS): maildev in development, the
// operator's relay in production. Like the adapters beside it, it is named after what it
// talks to.
package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// SendTimeout bounds one delivery.
const SendTimeout = 30 * time.Second

// Mailer sends messages through one SMTP server.
type Mailer struct {
	url  *url.URL
	from string
}

// New returns a Mailer for smtpURL sending from from ("Name <addr>").
func New(smtpURL, from string) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
		return nil, errors.New("smtp: SMTP_URL is not smtp://host:port or smtps://host:port")
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("smtp: SMTP_FROM %q: %w", from, err)
	}
	return &Mailer{url: u, from: from}, nil
}

// Send delivers one message as UTF-8 plain text.
func (m *Mailer) Send(ctx context.Context, e accounts.Email) error {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	from, _ := mail.ParseAddress(m.from)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.url.Host)
	if err != nil {
		return fmt.Errorf("smtp: dial: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	host, _, _ := net.SplitHostPort(m.url.Host)
	if m.url.Scheme == "smtps" {
		conn = tls.Client(conn, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && m.url.Scheme == "smtp" {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("smtp: starttls: %w", err)
		}
	}
	if user := m.url.User; user != nil {
		pass, _ := user.Password()
		if err := c.Auth(smtp.PlainAuth("", user.Username(), pass, host)); err != nil {
			return fmt.Errorf("smtp: auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(e.To); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(message(m.from, e)); err != nil {
		return fmt.Errorf("smtp: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return c.Quit()
}

// message formats e as a MIME message with encoded headers and a quoted-printable-free
// 8-bit UTF-8 body (every server in use accepts 8BITMIME).
func message(from string, e accounts.Email) []byte {
	var b strings.Builder
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from)
	h("To", e.To)
	h("Subject", mime.QEncoding.Encode("utf-8", e.Subject))
	h("Date", time.Now().UTC().Format(time.RFC1123Z))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(e.Text, "\r\n", "\n"), "\n", "\r\n"))
	return []byte(b.String())
}
