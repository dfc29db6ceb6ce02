package main

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strings"
)

// requiredEnv lists the variables the portal cannot start without. compose_test.go checks
// that compose.yaml sets each of them.
var requiredEnv = []string{"DATABASE_URL", "REDIS_URL", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_BUCKET", "SESSION_SECRET", "HTTP_ADDR"}

// MinSessionSecretLength is the shortest SESSION_SECRET accepted (it keys CSRF tokens).
const MinSessionSecretLength = 32

// config is the whole configuration, read from the environment once at start.
type config struct {
	Env            string // development, test or production
	DatabaseURL    string
	RedisURL       string
	RedisPrefix    string
	S3Endpoint     string
	S3AccessKey    string
	S3SecretKey    string
	S3Bucket       string
	S3Region       string
	MeiliURL       string
	MeiliKey       string
	SMTPURL        string
	SMTPFrom       string
	HTTPAddr       string
	PublicURL      string
	SessionSecret  string
	LogLevel       string
	TrustedProxies []string
	WorkerHealth   string
}

// configError names the variable at fault and what is wrong with it, in one line.
type configError struct{ name, problem string }

func (e configError) Error() string { return fmt.Sprintf("config: %s %s", e.name, e.problem) }

// loadConfig reads and validates the configuration; the first problem found is returned.
// Only the variables a subcommand needs are required: need lists them.
func loadConfig(getenv func(string) string, need ...string) (config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := config{
		Env:          get("SHEBER_ENV", "development"),
		DatabaseURL:  get("DATABASE_URL", ""),
		RedisURL:     get("REDIS_URL", ""),
		RedisPrefix:  get("REDIS_PREFIX", "sheber:"),
		S3Endpoint:   get("S3_ENDPOINT", ""),
		S3AccessKey:  get("S3_ACCESS_KEY", ""),
		S3SecretKey:  get("S3_SECRET_KEY", ""),
		S3Bucket:     get("S3_BUCKET", ""),
		S3Region:     get("S3_REGION", "us-east-1"),
		MeiliURL:     get("MEILI_URL", ""),
		MeiliKey:     get("MEILI_KEY", ""),
		SMTPURL:      get("SMTP_URL", ""),
		SMTPFrom:     get("SMTP_FROM", "Sheber <no-reply@sheber.kz>"),
		HTTPAddr:     get("HTTP_ADDR", ""),
		PublicURL:    get("PUBLIC_URL", ""),
		LogLevel:     get("LOG_LEVEL", "info"),
		WorkerHealth: get("WORKER_HEALTH_ADDR", ""),
	}
	c.SessionSecret = getenv("SESSION_SECRET")
	if p := get("TRUSTED_PROXIES", ""); p != "" {
		for _, s := range strings.Split(p, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(s))
		}
	}
	for _, name := range need {
		if strings.TrimSpace(getenv(name)) == "" {
			return c, configError{name, "is required but not set"}
		}
	}
	switch c.Env {
	case "development", "test", "production":
	default:
		return c, configError{"SHEBER_ENV", fmt.Sprintf("is %q; want development, test or production", c.Env)}
	}
	checks := []struct {
		name, value string
		check       func(string) error
	}{
		{"DATABASE_URL", c.DatabaseURL, urlWithScheme("postgres", "postgresql")},
		{"REDIS_URL", c.RedisURL, urlWithScheme("redis", "rediss")},
		{"S3_ENDPOINT", c.S3Endpoint, urlWithScheme("http", "https")},
		{"MEILI_URL", c.MeiliURL, urlWithScheme("http", "https")},
		{"SMTP_URL", c.SMTPURL, urlWithScheme("smtp", "smtps")},
		{"PUBLIC_URL", c.PublicURL, urlWithScheme("http", "https")},
		{"HTTP_ADDR", c.HTTPAddr, hostPort},
		{"WORKER_HEALTH_ADDR", c.WorkerHealth, hostPort},
		{"S3_BUCKET", c.S3Bucket, bucketName},
		{"LOG_LEVEL", c.LogLevel, oneOf("debug", "info", "warn", "error")},
	}
	for _, chk := range checks {
		if chk.value == "" {
			continue
		}
		if err := chk.check(chk.value); err != nil {
			return c, configError{chk.name, err.Error()}
		}
	}
	if c.SessionSecret != "" && len(c.SessionSecret) < MinSessionSecretLength {
		return c, configError{"SESSION_SECRET", fmt.Sprintf("must be at least %d characters", MinSessionSecretLength)}
	}
	if c.Env == "production" && strings.Contains(c.SessionSecret, "dev-only") {
		return c, configError{"SESSION_SECRET", "is the development value; set a secret of your own in production"}
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return c, configError{"TRUSTED_PROXIES", fmt.Sprintf("has %q, which is neither an IP address nor a CIDR range", p)}
		}
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		return c, configError{"SMTP_FROM", "is not an e-mail address such as Sheber <no-reply@sheber.kz>"}
	}
	if c.PublicURL == "" {
		if c.Env == "production" && contains(need, "HTTP_ADDR") {
			// Links in e-mails must point where users reach the portal, not where it listens.
			return c, configError{"PUBLIC_URL", "is required in production"}
		}
		c.PublicURL = "http://" + c.HTTPAddr
	}
	return c, nil
}

// secureCookies reports whether the portal is reached over TLS, so cookies must be Secure.
func (c config) secureCookies() bool {
	u, err := url.Parse(c.PublicURL)
	return err == nil && strings.EqualFold(u.Scheme, "https")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func urlWithScheme(schemes ...string) func(string) error {
	return func(v string) error {
		u, err := url.Parse(v)
		if err != nil {
			// Not the parser's message: it repeats the value, password included.
			return errors.New("is not a valid URL")
		}
		for _, s := range schemes {
			if u.Scheme == s {
				if u.Host == "" {
					return fmt.Errorf("has no host: %q", redact(u))
				}
				return nil
			}
		}
		return fmt.Errorf("must start with %s://", strings.Join(schemes, ":// or "))
	}
}

// redact hides a URL's password before it is printed.
func redact(u *url.URL) string { return u.Redacted() }

func hostPort(v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("must be host:port, e.g. 127.0.0.1:8080 (%v)", err)
	}
	return nil
}

func bucketName(v string) error {
	if len(v) < 3 || len(v) > 63 || strings.ToLower(v) != v || strings.ContainsAny(v, " _/") {
		return fmt.Errorf("must be a bucket name: 3-63 lower-case letters, digits, dots or dashes")
	}
	return nil
}

func oneOf(values ...string) func(string) error {
	return func(v string) error {
		for _, x := range values {
			if v == x {
				return nil
			}
		}
		return fmt.Errorf("is %q; want one of %s", v, strings.Join(values, ", "))
	}
}

// environ is the process environment, replaceable in tests.
var environ = os.Getenv
