package main

import (
	"strings"
	"testing"
)

func validEnv() map[string]string {
	return map[string]string{
		"DATABASE_URL":   "postgres://sheber:sheber@127.0.0.1:55432/sheber?sslmode=disable",
		"REDIS_URL":      "redis://127.0.0.1:56379/0",
		"S3_ENDPOINT":    "http://127.0.0.1:59000",
		"S3_ACCESS_KEY":  "key",
		"S3_SECRET_KEY":  "secret",
		"S3_BUCKET":      "sheber",
		"SESSION_SECRET": strings.Repeat("s", 40),
		"HTTP_ADDR":      "127.0.0.1:8080",
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		change  map[string]string // "" deletes
		wantErr string            // substring; "" means valid
	}{
		{"valid", nil, ""},
		{"missing database", map[string]string{"DATABASE_URL": ""}, "config: DATABASE_URL is required but not set"},
		{"missing secret", map[string]string{"SESSION_SECRET": ""}, "config: SESSION_SECRET is required"},
		{"database scheme", map[string]string{"DATABASE_URL": "mysql://x/y"}, "config: DATABASE_URL must start with postgres://"},
		{"redis not a url", map[string]string{"REDIS_URL": "localhost:6379"}, "config: REDIS_URL must start with redis://"},
		{"redis unparsable", map[string]string{"REDIS_URL": "127.0.0.1:6379"}, "config: REDIS_URL is not a valid URL"},
		{"s3 no host", map[string]string{"S3_ENDPOINT": "http://"}, "config: S3_ENDPOINT has no host"},
		{"bad addr", map[string]string{"HTTP_ADDR": "8080"}, "config: HTTP_ADDR must be host:port"},
		{"short secret", map[string]string{"SESSION_SECRET": "short"}, "config: SESSION_SECRET must be at least 32"},
		{"bad env", map[string]string{"SHEBER_ENV": "staging"}, "config: SHEBER_ENV is \"staging\""},
		{"dev secret in production", map[string]string{"SHEBER_ENV": "production", "SESSION_SECRET": "dev-only-session-secret-change-me-0123456789abcdef"}, "config: SESSION_SECRET is the development value"},
		{"bad bucket", map[string]string{"S3_BUCKET": "Sheber_Files"}, "config: S3_BUCKET must be a bucket name"},
		{"bad smtp", map[string]string{"SMTP_URL": "http://127.0.0.1:25"}, "config: SMTP_URL must start with smtp://"},
		{"bad meili", map[string]string{"MEILI_URL": "meili:7700"}, "config: MEILI_URL must start with http://"},
		{"bad log level", map[string]string{"LOG_LEVEL": "loud"}, "config: LOG_LEVEL is \"loud\""},
		{"bad proxy", map[string]string{"TRUSTED_PROXIES": "10.0.0.1, proxy.local"}, "config: TRUSTED_PROXIES has \"proxy.local\""},
		{"good proxies", map[string]string{"TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16, ::1"}, ""},
		{"bad sender", map[string]string{"SMTP_FROM": "Sheber"}, "config: SMTP_FROM is not an e-mail address"},
		{"production needs public url", map[string]string{"SHEBER_ENV": "production"}, "config: PUBLIC_URL is required in production"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := validEnv()
			for k, v := range tt.change {
				env[k] = v
			}
			cfg, err := loadConfig(func(k string) string { return env[k] }, requiredEnv...)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if cfg.PublicURL != "http://127.0.0.1:8080" || cfg.RedisPrefix != "sheber:" || cfg.Env != "development" {
					t.Errorf("defaults not applied: %+v", cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestLoadConfigHidesPasswords(t *testing.T) {
	for _, u := range []string{
		"postgres://sheber:topsecret@/db",       // no host
		"postgres://sheber:topsecret%zz@h:1/db", // unparsable: the parser's message repeats the URL
		"mysql://sheber:topsecret@h:1/db",       // wrong scheme
	} {
		env := validEnv()
		env["DATABASE_URL"] = u
		_, err := loadConfig(func(k string) string { return env[k] }, requiredEnv...)
		if err == nil || strings.Contains(err.Error(), "topsecret") {
			t.Errorf("DATABASE_URL %s: error = %v; want an error without the password", u, err)
		}
	}
}

func TestSecureCookies(t *testing.T) {
	for url, want := range map[string]bool{"https://sheber.kz": true, "HTTPS://sheber.kz": true, "http://localhost:8080": false} {
		if got := (config{PublicURL: url}).secureCookies(); got != want {
			t.Errorf("secureCookies(%s) = %v", url, got)
		}
	}
}
