package frontend

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

// invitationPage is the data of the page where an invitation is accepted.
type invitationPage struct {
	Invitation accounts.Invitation
	Org        accounts.Organization
	Secret     string // the invitation's secret, from its link
	// SignedInAs is the e-mail of the signed-in user, if any; ForInvitee says it is the
	// invited one, who joins with one button. Anyone else creates an account with the
	// invited e-mail, or signs in to it if it has one.
	SignedInAs string
	ForInvitee bool
	// NeedsSignIn says the invited e-mail turned out to have an account already.
	NeedsSignIn bool
	Form        form
}

// invitationPath is the address of the page of the invitation with secret.
func invitationPath(secret string) string { return "/invitations/" + secret }

// loadInvitation gathers the page of the pending invitation with secret.
func (ui *UI) loadInvitation(c *fiber.Ctx, secret string) (invitationPage, error) {
	ctx, actor := c.UserContext(), api.ActorOf(c)
	inv, org, err := ui.srv.Accounts.PendingInvitation(ctx, secret)
	if err != nil {
		return invitationPage{}, err
	}
	page := invitationPage{Invitation: inv, Org: org, Secret: secret}
	if actor.UserID != 0 {
		user, _, err := ui.srv.Accounts.Me(ctx, actor)
		if err != nil {
			return invitationPage{}, err
		}
		page.SignedInAs = user.Email
		page.ForInvitee = strings.EqualFold(user.Email, inv.Email)
	}
	return page, nil
}

func (ui *UI) invitation(c *fiber.Ctx) error {
	page, err := ui.loadInvitation(c, strings.Clone(c.Params("token")))
	if err != nil {
		return err
	}
	return ui.render(c, fiber.StatusOK, pageInvitation, ui.newView(c, page))
}

func (ui *UI) acceptInvitation(c *fiber.Ctx) error {
	secret := strings.Clone(c.Params("token"))
	name, password := formValue(c, "name"), formValue(c, "password")
	actor := api.ActorOf(c)
	var user accounts.User
	var err error
	if password != c.FormValue("password_confirm") {
		err = accounts.Validation{"password_confirm": "does not match the password"}.Err()
	} else {
		user, err = ui.srv.Accounts.AcceptInvitation(c.UserContext(), actor, accounts.AcceptInput{Secret: secret, Name: name, Password: password})
	}
	if err != nil {
		status, fields, ok := formProblem(err)
		needsSignIn := accounts.ErrorCode(err) == accounts.CodeUnauthenticated
		if !ok && !needsSignIn {
			return err
		}
		if needsSignIn {
			status, _ = api.DomainError(err)
		}
		page, err := ui.loadInvitation(c, secret)
		if err != nil {
			return err
		}
		page.Form = form{Values: map[string]string{"name": name}, Errors: fields}
		page.NeedsSignIn = needsSignIn
		v := ui.newView(c, page)
		v.Here = invitationPath(secret)
		return ui.render(c, status, pageInvitation, v)
	}
	if user.ID != actor.UserID {
		// A new account: sign its owner in with the password just chosen.
		if _, err := ui.srv.Login(c, user.Email, password); err != nil {
			return err
		}
	}
	return c.Redirect(afterLogin, fiber.StatusSeeOther)
}
