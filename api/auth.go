package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Login signs in and starts a session; the frontend's sign-in form uses it too.
func (s *Server) Login(c *fiber.Ctx, email, password string) (accounts.Session, error) {
	var previous string
	if sess, ok := SessionOf(c); ok {
		previous = sess.ID
	} else if id := c.Cookies(SessionCookie); id != "" {
		previous = id
	}
	sess, err := s.Accounts.Login(c.UserContext(), accounts.LoginInput{
		Email: email, Password: password, IP: s.ClientIP(c), UserAgent: string(c.Request().Header.UserAgent()),
		PreviousSessionID: previous,
	})
	if err != nil {
		return accounts.Session{}, err
	}
	s.SetSessionCookie(c, sess)
	return sess, nil
}

// Logout ends the request's session and clears its cookie.
func (s *Server) Logout(c *fiber.Ctx) error {
	if sess, ok := SessionOf(c); ok {
		if err := s.Accounts.Logout(c.UserContext(), sess.ID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	c.Locals(sessionKey, nil)
	return nil
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sess, err := s.Login(c, req.Email, req.Password)
	if err != nil {
		return err
	}
	actor, _, err := s.Accounts.ActorForSession(c.UserContext(), sess.ID)
	if err != nil {
		return err
	}
	user, members, err := s.Accounts.Me(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(meDTO{User: newUser(user), Memberships: newMemberships(members), CSRFToken: s.CSRFToken(c)})
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.Logout(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) logoutEverywhere(c *fiber.Ctx) error {
	n, err := s.Accounts.LogoutEverywhere(c.UserContext(), ActorOf(c))
	if err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.JSON(fiber.Map{"ended_sessions": n})
}

func (s *Server) me(c *fiber.Ctx) error {
	actor := ActorOf(c)
	user, members, err := s.Accounts.Me(c.UserContext(), actor)
	if err != nil {
		return err
	}
	dto := meDTO{User: newUser(user), TokenID: actor.TokenID, Memberships: newMemberships(members)}
	if _, ok := SessionOf(c); ok {
		dto.CSRFToken = s.CSRFToken(c)
	}
	return c.JSON(dto)
}

func (s *Server) regions(c *fiber.Ctx) error {
	out := make([]regionDTO, len(accounts.Regions))
	for i, r := range accounts.Regions {
		out[i] = regionDTO{Code: r.Code, ISO: r.ISO, City: r.City, Name: newText(r.Name)}
	}
	return c.JSON(listDTO[regionDTO]{Items: out})
}

type acceptInvitationRequest struct {
	Token    string `json:"token"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	var req acceptInvitationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	user, err := s.Accounts.AcceptInvitation(c.UserContext(), ActorOf(c), accounts.AcceptInput{Secret: req.Token, Name: req.Name, Password: req.Password})
	if err != nil {
		return err
	}
	if _, signedIn := SessionOf(c); !signedIn {
		if _, err := s.Login(c, user.Email, req.Password); err != nil {
			return err
		}
	}
	return c.Status(fiber.StatusOK).JSON(fiber.Map{"user": newUser(user), "csrf_token": s.CSRFToken(c)})
}
