package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

func (s *Server) organization(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.Accounts.Organization(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newOrganization(o))
}

func (s *Server) members(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	ms, err := s.Accounts.Members(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]memberDTO, len(ms))
	for i, m := range ms {
		out[i] = memberDTO{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: string(m.Role), Since: m.CreatedAt}
	}
	return c.JSON(listDTO[memberDTO]{Items: out})
}

func (s *Server) invitations(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	invs, err := s.Accounts.Invitations(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]invitationDTO, len(invs))
	for i, inv := range invs {
		out[i] = newInvitation(inv)
	}
	return c.JSON(listDTO[invitationDTO]{Items: out})
}

type inviteRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

func (s *Server) invite(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var req inviteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	inv, err := s.Accounts.Invite(c.UserContext(), ActorOf(c), accounts.InviteInput{OrgID: id, Email: req.Email, Role: accounts.Role(req.Role)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newInvitation(inv))
}

func (s *Server) revokeInvitation(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	invID, err := PathID(c, "invitationID")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeInvitation(c.UserContext(), ActorOf(c), id, invID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) tokens(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	toks, err := s.Accounts.Tokens(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]tokenDTO, len(toks))
	for i, t := range toks {
		out[i] = newToken(t)
	}
	return c.JSON(listDTO[tokenDTO]{Items: out})
}

type issueTokenRequest struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

func (s *Server) issueToken(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var req issueTokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	tok, secret, err := s.Accounts.IssueToken(c.UserContext(), ActorOf(c), accounts.IssueTokenInput{OrgID: id, Name: req.Name, Role: accounts.Role(req.Role)})
	if err != nil {
		return err
	}
	dto := newToken(tok)
	dto.Secret = secret
	return c.Status(fiber.StatusCreated).JSON(dto)
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	tokenID, err := PathID(c, "tokenID")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeToken(c.UserContext(), ActorOf(c), id, tokenID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
