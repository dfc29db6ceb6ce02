package frontend

import (
	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

// afterLogin is where signing in leads when the form names no other page.
const afterLogin = "/account"

// homePage is the data of the home page.
type homePage struct {
	Memberships []accounts.Member // the signed-in user's organizations
}

func (ui *UI) home(c *fiber.Ctx) error {
	return ui.render(c, fiber.StatusOK, pageHome, ui.newView(c, homePage{Memberships: api.ActorOf(c).Memberships}))
}

// loginPage is the data of the sign-in form.
type loginPage struct {
	Next   string // where to go after signing in
	Form   form
	Failed bool // the e-mail or password was wrong
}

func (ui *UI) loginForm(c *fiber.Ctx) error {
	next := safeNext(c.Query("next"), afterLogin)
	if api.ActorOf(c).UserID != 0 {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	return ui.render(c, fiber.StatusOK, pageLogin, ui.newView(c, loginPage{Next: next}))
}

func (ui *UI) login(c *fiber.Ctx) error {
	email, next := formValue(c, "email"), safeNext(c.FormValue("next"), afterLogin)
	_, err := ui.srv.Login(c, email, c.FormValue("password"))
	if err == nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	page := loginPage{Next: next, Form: form{Values: map[string]string{"email": email}}}
	status, fields, ok := formProblem(err)
	switch {
	case ok:
		page.Form.Errors = fields
	case accounts.ErrorCode(err) == accounts.CodeUnauthenticated:
		status, _ = api.DomainError(err)
		page.Failed = true
	default:
		return err // throttled, or the service failed
	}
	v := ui.newView(c, page)
	v.Here = loginURL(next)
	return ui.render(c, status, pageLogin, v)
}

func (ui *UI) logout(c *fiber.Ctx) error {
	if err := ui.srv.Logout(c); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.FormValue("next"), "/"), fiber.StatusSeeOther)
}

// accountPage is the data of the account page.
type accountPage struct {
	User        accounts.User
	Memberships []accounts.Member
}

func (ui *UI) account(c *fiber.Ctx) error {
	user, members, err := ui.srv.Accounts.Me(c.UserContext(), api.ActorOf(c))
	if err != nil {
		return err
	}
	return ui.render(c, fiber.StatusOK, pageAccount, ui.newView(c, accountPage{User: user, Memberships: members}))
}

func (ui *UI) logoutEverywhere(c *fiber.Ctx) error {
	if _, err := ui.srv.Accounts.LogoutEverywhere(c.UserContext(), api.ActorOf(c)); err != nil {
		return err
	}
	// The session is gone with all the others; Logout clears its cookie.
	if err := ui.srv.Logout(c); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
