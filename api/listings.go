package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

func (s *Server) categories(c *fiber.Ctx) error {
	cats, err := s.Catalog.Categories(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]categoryDTO, len(cats))
	for i, cat := range cats {
		out[i] = newCategory(cat)
	}
	return c.JSON(listDTO[categoryDTO]{Items: out})
}

// listingRequest is what a producer writes: every field of a listing but its identity,
// status, version and timestamps. Missing fields are zero, which the domain refuses where
// zero is not allowed.
type listingRequest struct {
	ExternalCode         string        `json:"external_code"`
	Title                textDTO       `json:"title"`
	Description          textDTO       `json:"description"`
	Category             string        `json:"category"`
	Attributes           attributesDTO `json:"attributes"`
	Unit                 string        `json:"unit"`
	PriceTiyn            int64         `json:"price_tiyn"`
	VATIncluded          bool          `json:"vat_included"`
	MinOrderQty          int           `json:"min_order_qty"`
	LeadTimeDays         int           `json:"lead_time_days"`
	LabourMinutesPerUnit int           `json:"labour_minutes_per_unit"`
	ReadyStock           int           `json:"ready_stock"`
	SiteIDs              []int64       `json:"site_ids"`
}

func (r listingRequest) domain() catalog.ListingInput {
	return catalog.ListingInput{ExternalCode: r.ExternalCode, Title: r.Title.domain(), Description: r.Description.domain(),
		CategoryCode: r.Category, Attributes: r.Attributes.domain(), Unit: catalog.Unit(r.Unit), PriceTiyn: r.PriceTiyn,
		VATIncluded: r.VATIncluded, MinOrderQty: r.MinOrderQty, LeadTimeDays: r.LeadTimeDays,
		LabourMinutesPerUnit: r.LabourMinutesPerUnit, ReadyStock: r.ReadyStock, SiteIDs: r.SiteIDs}
}

// updateListingRequest is a whole new content of a listing and the version it is based on.
type updateListingRequest struct {
	Version int `json:"version"`
	listingRequest
}

// listingVersionRequest is the body of a status change: the version it is based on.
type listingVersionRequest struct {
	Version int `json:"version"`
}

// checkVersion refuses a change that does not say which version it is based on: without
// it, optimistic concurrency cannot tell a stale edit from a fresh one.
func checkVersion(version int) error {
	if version <= 0 {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"version": "required: the version of the listing the change is based on"}}
	}
	return nil
}

func (s *Server) enterpriseListings(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	// Copied: Fiber reuses the buffer the query string lives in.
	status := catalog.Status(strings.Clone(c.Query("status")))
	ls, err := s.Catalog.EnterpriseListings(c.UserContext(), ActorOf(c), id, status)
	if err != nil {
		return err
	}
	return c.JSON(newListings(ls))
}

func (s *Server) createListing(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var req listingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	l, err := s.Catalog.CreateListing(c.UserContext(), ActorOf(c), id, req.domain())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newListing(l))
}

func (s *Server) listing(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	l, err := s.Catalog.Listing(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newListing(l))
}

func (s *Server) updateListing(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var req updateListingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := checkVersion(req.Version); err != nil {
		return err
	}
	l, err := s.Catalog.UpdateListing(c.UserContext(), ActorOf(c), id, req.Version, req.domain())
	if err != nil {
		return err
	}
	return c.JSON(newListing(l))
}

// setListingStatus returns the handler that moves a listing to status to.
func (s *Server) setListingStatus(to catalog.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := PathID(c, "id")
		if err != nil {
			return err
		}
		var req listingVersionRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		if err := checkVersion(req.Version); err != nil {
			return err
		}
		l, err := s.Catalog.SetStatus(c.UserContext(), ActorOf(c), id, req.Version, to)
		if err != nil {
			return err
		}
		return c.JSON(newListing(l))
	}
}

func (s *Server) listingPrices(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	ps, err := s.Catalog.PriceHistory(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]pricePointDTO, len(ps))
	for i, p := range ps {
		out[i] = pricePointDTO{PriceTiyn: p.PriceTiyn, VATIncluded: p.VATIncluded, From: p.From}
	}
	return c.JSON(listDTO[pricePointDTO]{Items: out})
}
