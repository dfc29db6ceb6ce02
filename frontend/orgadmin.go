package frontend

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
)

// orgAdminPage is the data of an organization's administration page.
type orgAdminPage struct {
	Org         accounts.Organization
	Members     []accounts.Member
	Invitations []accounts.Invitation // pending ones
	Tokens      []accounts.APIToken
	Roles       []accounts.Role // the roles the organization's kind allows
	Invite      form            // the invitation form, when it is shown again
	Token       form            // the token form, when it is shown again
	// What the viewer may do, to show only the controls that will work (the domain
	// still decides every action): the platform's staff read this page without managing
	// the organization's invitations or seeing its tokens.
	CanInvite  bool
	ShowTokens bool
}

// adminPath is the address of organization orgID's administration page.
func adminPath(orgID int64) string { return "/orgs/" + strconv.FormatInt(orgID, 10) + "/admin" }

// loadOrgAdmin gathers the administration page of orgID. The domain decides who may see
// each part: the public and outsiders are refused by Members, members who are not admins
// by Invitations and Tokens.
func (ui *UI) loadOrgAdmin(c *fiber.Ctx, orgID int64) (orgAdminPage, error) {
	ctx, actor, accts := c.UserContext(), api.ActorOf(c), ui.srv.Accounts
	org, err := accts.Organization(ctx, actor, orgID)
	if err != nil {
		return orgAdminPage{}, err
	}
	members, err := accts.Members(ctx, actor, orgID)
	if err != nil {
		return orgAdminPage{}, err
	}
	invitations, err := accts.Invitations(ctx, actor, orgID)
	if err != nil {
		return orgAdminPage{}, err
	}
	page := orgAdminPage{Org: org, Members: members, Invitations: invitations, Roles: accounts.RolesFor(org.Kind)}
	page.CanInvite = accounts.Authorize(actor, accounts.ActionManage,
		accounts.Resource{Kind: accounts.ResourceInvitations, OrgID: org.ID, Region: org.Region}) == nil
	switch tokens, err := accts.Tokens(ctx, actor, orgID); accounts.ErrorCode(err) {
	case "":
		page.Tokens, page.ShowTokens = tokens, true
	case accounts.CodeForbidden, accounts.CodeNotFound:
		// Not this viewer's to see; the rest of the page is.
	default:
		return orgAdminPage{}, err
	}
	return page, nil
}

func (ui *UI) orgAdmin(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	page, err := ui.loadOrgAdmin(c, orgID)
	if err != nil {
		return err
	}
	return ui.render(c, fiber.StatusOK, pageOrgAdmin, ui.newView(c, page))
}

// renderOrgAdminForm shows the administration page again with a form's problems; fill
// puts the form in its place on the page.
func (ui *UI) renderOrgAdminForm(c *fiber.Ctx, orgID int64, status int, fill func(*orgAdminPage)) error {
	page, err := ui.loadOrgAdmin(c, orgID)
	if err != nil {
		return err
	}
	fill(&page)
	v := ui.newView(c, page)
	v.Here = adminPath(orgID)
	return ui.render(c, status, pageOrgAdmin, v)
}

// invitationCreatedPage confirms a new invitation; its link went to the invited mailbox.
type invitationCreatedPage struct {
	Org        accounts.Organization
	Invitation accounts.Invitation
}

func (ui *UI) invite(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	email, role := formValue(c, "email"), formValue(c, "role")
	ctx, actor := c.UserContext(), api.ActorOf(c)
	inv, err := ui.srv.Accounts.Invite(ctx, actor, accounts.InviteInput{OrgID: orgID, Email: email, Role: accounts.Role(role)})
	if status, fields, ok := formProblem(err); ok {
		return ui.renderOrgAdminForm(c, orgID, status, func(p *orgAdminPage) {
			p.Invite = form{Values: map[string]string{"email": email, "role": role}, Errors: fields}
		})
	}
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	page := invitationCreatedPage{Org: org, Invitation: inv}
	v := ui.newView(c, page)
	v.Here = adminPath(orgID)
	return ui.render(c, fiber.StatusCreated, pageInvitationCreated, v)
}

func (ui *UI) revokeInvitation(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	invID, err := api.PathID(c, "invID")
	if err != nil {
		return err
	}
	if err := ui.srv.Accounts.RevokeInvitation(c.UserContext(), api.ActorOf(c), orgID, invID); err != nil {
		return err
	}
	return c.Redirect(adminPath(orgID), fiber.StatusSeeOther)
}

// tokenIssuedPage shows a new API token's secret, the one time it can be seen.
type tokenIssuedPage struct {
	Org    accounts.Organization
	Token  accounts.APIToken
	Secret string
}

func (ui *UI) issueToken(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	name, role := formValue(c, "name"), formValue(c, "role")
	ctx, actor := c.UserContext(), api.ActorOf(c)
	tok, secret, err := ui.srv.Accounts.IssueToken(ctx, actor, accounts.IssueTokenInput{OrgID: orgID, Name: name, Role: accounts.Role(role)})
	if status, fields, ok := formProblem(err); ok {
		return ui.renderOrgAdminForm(c, orgID, status, func(p *orgAdminPage) {
			p.Token = form{Values: map[string]string{"name": name, "role": role}, Errors: fields}
		})
	}
	if err != nil {
		return err
	}
	org, err := ui.srv.Accounts.Organization(ctx, actor, orgID)
	if err != nil {
		return err
	}
	v := ui.newView(c, tokenIssuedPage{Org: org, Token: tok, Secret: secret})
	v.Here = adminPath(orgID)
	return ui.render(c, fiber.StatusCreated, pageTokenIssued, v)
}

func (ui *UI) revokeToken(c *fiber.Ctx) error {
	orgID, err := api.PathID(c, "id")
	if err != nil {
		return err
	}
	tokenID, err := api.PathID(c, "tokenID")
	if err != nil {
		return err
	}
	if err := ui.srv.Accounts.RevokeToken(c.UserContext(), api.ActorOf(c), orgID, tokenID); err != nil {
		return err
	}
	return c.Redirect(adminPath(orgID), fiber.StatusSeeOther)
}
