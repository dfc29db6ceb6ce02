package api

import (
	"context"
	"sync"

	"github.com/gofiber/fiber/v2"
)

type readiness struct {
	Status string            `json:"status"` // ready, degraded or unavailable
	Checks map[string]string `json:"checks"`
	Stuck  map[string]int    `json:"stuck,omitempty"` // entries of background jobs that keep failing, by check
}

// healthz answers while the process is alive; it checks nothing else.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz probes every dependency at once, each within ReadinessTimeout. A failing required
// one makes it 503 and names it; a failing optional one (search), or a background job with
// stuck entries, makes it "degraded".
func (s *Server) readyz(c *fiber.Ctx) error {
	res := readiness{Status: "ready", Checks: make(map[string]string, len(s.Checks))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, chk := range s.Checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(c.UserContext(), ReadinessTimeout)
			defer cancel()
			var err error
			stuck := 0
			if chk.Stuck != nil {
				stuck, err = chk.Stuck(ctx)
			} else {
				err = chk.Ping(ctx)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil && stuck == 0 {
				res.Checks[chk.Name] = "ok"
				return
			}
			res.Checks[chk.Name] = "unavailable"
			if err == nil {
				res.Checks[chk.Name] = "stuck"
				if res.Stuck == nil {
					res.Stuck = map[string]int{}
				}
				res.Stuck[chk.Name] = stuck
			}
			switch {
			case !chk.Optional && chk.Stuck == nil:
				res.Status = "unavailable"
			case res.Status == "ready":
				res.Status = "degraded"
			}
		}()
	}
	wg.Wait()
	if res.Status == "unavailable" {
		return c.Status(fiber.StatusServiceUnavailable).JSON(res)
	}
	return c.JSON(res)
}
