// Package redis implements Sheber's shared ephemeral state on Redis with go-redis:
// signed-in sessions (accounts.SessionStore) and throttling counters (accounts.Limiter).
// Every key starts with the configured prefix, so that several deployments or test runs
// can share one Redis without seeing each other's keys.
package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/sheber-kz/sheber/accounts"
)

// Client is a connection to Redis with a key prefix.
type Client struct {
	rdb    *goredis.Client
	prefix string
}

// Open connects to url (redis://host:port/db) and checks the connection.
func Open(ctx context.Context, url, prefix string) (*Client, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	rdb := goredis.NewClient(opts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis: connect: %w", err)
	}
	return &Client{rdb: rdb, prefix: prefix}, nil
}

// Close closes the connection pool.
func (c *Client) Close() error { return c.rdb.Close() }

// Ping checks that Redis answers.
func (c *Client) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Raw returns the underlying client, for tests.
func (c *Client) Raw() *goredis.Client { return c.rdb }

func (c *Client) key(parts ...string) string {
	k := c.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}

// Sessions implements accounts.SessionStore. A session is a hash under
// "<prefix>sess:<sha256 of id>", expiring at the earlier of its idle and absolute deadlines;
// each user has a set of their session keys so that all can be ended at once.
type Sessions struct {
	*Client
	Idle, Absolute time.Duration
}

// NewSessions returns a session store with the domain's timeouts.
func NewSessions(c *Client) *Sessions {
	return &Sessions{Client: c, Idle: accounts.SessionIdleTimeout, Absolute: accounts.SessionAbsoluteTimeout}
}

var _ accounts.SessionStore = (*Sessions)(nil)

func (s *Sessions) sessionKey(id string) string { return s.key("sess", accounts.HashSecret(id)) }
func (s *Sessions) userKey(userID int64) string {
	return s.key("user-sessions", strconv.FormatInt(userID, 10))
}

// expiry is how long a session touched at now may live.
func (s *Sessions) expiry(created, now time.Time) time.Duration {
	ttl := s.Idle
	if left := created.Add(s.Absolute).Sub(now); left < ttl {
		ttl = left
	}
	return ttl
}

// CreateSession implements accounts.SessionStore.
func (s *Sessions) CreateSession(ctx context.Context, sess accounts.Session) error {
	k := s.sessionKey(sess.ID)
	ttl := s.expiry(sess.CreatedAt, sess.LastSeenAt)
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, k, map[string]any{
			"user_id": sess.UserID, "created_at": sess.CreatedAt.UnixMilli(), "last_seen_at": sess.LastSeenAt.UnixMilli(),
			"ip": sess.IP, "user_agent": sess.UserAgent,
		})
		p.PExpire(ctx, k, ttl)
		p.SAdd(ctx, s.userKey(sess.UserID), k)
		p.PExpire(ctx, s.userKey(sess.UserID), s.Absolute)
		return nil
	})
	return err
}

// TouchSession implements accounts.SessionStore.
func (s *Sessions) TouchSession(ctx context.Context, id string, now time.Time) (accounts.Session, error) {
	k := s.sessionKey(id)
	vals, err := s.rdb.HGetAll(ctx, k).Result()
	if err != nil {
		return accounts.Session{}, err
	}
	if len(vals) == 0 {
		return accounts.Session{}, accounts.ErrNotFound
	}
	userID, err1 := strconv.ParseInt(vals["user_id"], 10, 64)
	created, err2 := strconv.ParseInt(vals["created_at"], 10, 64)
	if err1 != nil || err2 != nil {
		return accounts.Session{}, errors.New("redis: corrupt session record")
	}
	sess := accounts.Session{ID: id, UserID: userID, CreatedAt: time.UnixMilli(created).UTC(), LastSeenAt: now,
		IP: vals["ip"], UserAgent: vals["user_agent"]}
	ttl := s.expiry(sess.CreatedAt, now)
	if ttl <= 0 {
		_ = s.DeleteSession(ctx, id)
		return accounts.Session{}, accounts.ErrNotFound
	}
	touched, err := touchScript.Run(ctx, s.rdb, []string{k}, now.UnixMilli(), ttl.Milliseconds()).Int()
	if err != nil {
		return accounts.Session{}, err
	}
	if touched == 0 {
		return accounts.Session{}, accounts.ErrNotFound // deleted or expired since it was read
	}
	return sess, nil
}

// touchScript updates a session only if it still exists: a plain HSET racing a logout (or
// the expiry) would recreate the record with nothing but last_seen_at in it, which every
// later request would then fail to read.
var touchScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
	return 0
end
redis.call('HSET', KEYS[1], 'last_seen_at', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)

// DeleteSession implements accounts.SessionStore.
func (s *Sessions) DeleteSession(ctx context.Context, id string) error {
	k := s.sessionKey(id)
	userID, err := s.rdb.HGet(ctx, k, "user_id").Result()
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, k)
		p.SRem(ctx, s.key("user-sessions", userID), k)
		return nil
	})
	return err
}

// deleteUserSessionsScript: KEYS[1] the user's set of session keys. Deletes every session
// in it and the set, in one step, so that a session started meanwhile is not missed, and
// returns how many sessions were still alive.
var deleteUserSessionsScript = goredis.NewScript(`
local keys = redis.call('SMEMBERS', KEYS[1])
local alive = 0
for _, k in ipairs(keys) do
	alive = alive + redis.call('DEL', k)
end
redis.call('DEL', KEYS[1])
return alive`)

// DeleteUserSessions implements accounts.SessionStore.
func (s *Sessions) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	n, err := deleteUserSessionsScript.Run(ctx, s.rdb, []string{s.userKey(userID)}).Int()
	return n, err
}

// Limiter implements accounts.Limiter with fixed windows: an atomic script increments the
// key, starts its expiry with the first attempt of a window, and reports the time left when
// the count is over the limit.
type Limiter struct{ *Client }

var _ accounts.Limiter = Limiter{}

// takeScript: KEYS[1] the counter, ARGV[1] the window in ms, ARGV[2] the limit. Returns the
// milliseconds the key stays blocked, or 0 when this attempt is within the limit.
var takeScript = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
	redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
if n > tonumber(ARGV[2]) then
	local ttl = redis.call('PTTL', KEYS[1])
	if ttl < 1 then ttl = 1 end
	return ttl
end
return 0`)

// giveScript: KEYS[1] the counter. Decrements it if it exists and is positive.
var giveScript = goredis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0`)

// Take implements accounts.Limiter.
func (l Limiter) Take(ctx context.Context, key string, limit int, window time.Duration) (time.Duration, error) {
	ms, err := takeScript.Run(ctx, l.rdb, []string{l.key("limit", key)}, window.Milliseconds(), limit).Int64()
	if err != nil {
		return 0, err
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Give implements accounts.Limiter.
func (l Limiter) Give(ctx context.Context, key string) error {
	return giveScript.Run(ctx, l.rdb, []string{l.key("limit", key)}).Err()
}

// Reset implements accounts.Limiter.
func (l Limiter) Reset(ctx context.Context, key string) error {
	return l.rdb.Del(ctx, l.key("limit", key)).Err()
}
