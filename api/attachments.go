package api

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
	"github.com/sheber-kz/sheber/orders"
)

// Private attachments of orders (orders/attachments.go): the photos of an acceptance and
// the drawings of a custom request. Uploads are multipart forms with the files in "files";
// downloads go through /api/v1/attachments/{id}, which checks access on every request:
// the answer is private to the browser (Cache-Control: private, no-cache) and revalidated
// with its ETag, the content hash, so that a revoked right takes effect at once.

type attachmentDTO struct {
	ID           int64     `json:"id"`
	AcceptanceID int64     `json:"acceptance_id,omitempty"`
	RequestID    int64     `json:"custom_request_id,omitempty"`
	OrgID        int64     `json:"org_id"`
	UploadedBy   int64     `json:"uploaded_by,omitempty"`
	FileName     string    `json:"file_name"`
	ContentType  string    `json:"content_type"`
	SizeBytes    int64     `json:"size_bytes"`
	Width        int       `json:"width,omitempty"`
	Height       int       `json:"height,omitempty"`
	URL          string    `json:"url"`
	ThumbnailURL string    `json:"thumbnail_url,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// AttachmentURL is where an attachment is downloaded; with thumbnail, its thumbnail.
func AttachmentURL(id int64, thumbnail bool) string {
	u := "/api/v1/attachments/" + strconv.FormatInt(id, 10)
	if thumbnail {
		u += "/thumbnail"
	}
	return u
}

func newAttachments(ats []orders.Attachment) []attachmentDTO {
	out := make([]attachmentDTO, len(ats))
	for i, at := range ats {
		out[i] = attachmentDTO{ID: at.ID, AcceptanceID: at.AcceptanceID, RequestID: at.RequestID, OrgID: at.OrgID, UploadedBy: at.UploadedBy,
			FileName: at.FileName, ContentType: at.ContentType, SizeBytes: at.SizeBytes, Width: at.Width, Height: at.Height,
			URL: AttachmentURL(at.ID, false), CreatedAt: at.CreatedAt.UTC()}
		if at.IsImage() {
			out[i].ThumbnailURL = AttachmentURL(at.ID, true)
		}
	}
	return out
}

type acceptanceRecordDTO struct {
	ID            int64                   `json:"id"`
	AcceptedAt    time.Time               `json:"accepted_at"`
	AcceptedBy    int64                   `json:"accepted_by,omitempty"`
	DefectReason  string                  `json:"defect_reason"`
	Lines         []acceptanceLineRequest `json:"lines"`
	DaysOverdue   int                     `json:"days_overdue"`
	PenaltyTiyn   int64                   `json:"penalty_tiyn"`
	Photos        []attachmentDTO         `json:"photos"`
	EditableUntil time.Time               `json:"photos_editable_until"`
}

type photosDTO struct {
	Photos []attachmentDTO `json:"photos"`
}

type drawingsDTO struct {
	Drawings []attachmentDTO `json:"drawings"`
}

// attachmentFiles reads an upload of attachments: files in "files", nothing else but the
// CSRF field of the portal's own forms.
func attachmentFiles(c *fiber.Ctx, maxBytes int64) ([]catalog.Upload, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, &accounts.Error{Code: accounts.CodeUnsupportedType, Message: "send the files as multipart/form-data"}
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed multipart form"}
	}
	for name := range form.File {
		if name != "files" {
			return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "unknown field " + strconv.Quote(name), Fields: map[string]string{name: "unknown field; send files as \"files\""}}
		}
	}
	for name := range form.Value {
		if name != CSRFField {
			return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "unknown field " + strconv.Quote(name), Fields: map[string]string{name: "unknown field"}}
		}
	}
	return FormFiles(c, "files", maxBytes)
}

func (s *Server) acceptances(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	recs, err := s.Orders.Acceptances(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]acceptanceRecordDTO, len(recs))
	for i, r := range recs {
		out[i] = acceptanceRecordDTO{ID: r.ID, AcceptedAt: r.AcceptedAt.UTC(), AcceptedBy: r.AcceptedBy, DefectReason: r.DefectReason,
			DaysOverdue: r.DaysOverdue, PenaltyTiyn: r.PenaltyTiyn, Photos: newAttachments(r.Photos), EditableUntil: r.EditableUntil,
			Lines: make([]acceptanceLineRequest, len(r.Lines))}
		for j, l := range r.Lines {
			out[i].Lines[j] = acceptanceLineRequest{OrderLineID: l.OrderLineID, Accepted: l.Accepted, Rejected: l.Rejected}
		}
	}
	return c.JSON(listDTO[acceptanceRecordDTO]{Items: out})
}

func (s *Server) addAcceptancePhotos(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	accID, err := PathID(c, "acceptanceID")
	if err != nil {
		return err
	}
	files, err := attachmentFiles(c, orders.MaxPhotoBytes)
	if err != nil {
		return err
	}
	ats, err := s.Orders.AddPhotos(c.UserContext(), ActorOf(c), id, accID, files)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(photosDTO{Photos: newAttachments(ats)})
}

func (s *Server) removeAcceptancePhoto(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	accID, err := PathID(c, "acceptanceID")
	if err != nil {
		return err
	}
	photoID, err := PathID(c, "photoID")
	if err != nil {
		return err
	}
	if err := s.Orders.RemovePhoto(c.UserContext(), ActorOf(c), id, accID, photoID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) drawings(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	ats, err := s.Orders.Drawings(c.UserContext(), ActorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(listDTO[attachmentDTO]{Items: newAttachments(ats)})
}

func (s *Server) addDrawings(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	files, err := attachmentFiles(c, orders.MaxDrawingPDFBytes)
	if err != nil {
		return err
	}
	ats, err := s.Orders.AddDrawings(c.UserContext(), ActorOf(c), id, files)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(drawingsDTO{Drawings: newAttachments(ats)})
}

func (s *Server) removeDrawing(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	drawingID, err := PathID(c, "drawingID")
	if err != nil {
		return err
	}
	if err := s.Orders.RemoveDrawing(c.UserContext(), ActorOf(c), id, drawingID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// attachmentFile serves an attachment (or its thumbnail) to those who may see its parent.
// The access check comes first, also for a conditional request: a 304 is an answer too.
func (s *Server) attachmentFile(thumbnail bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := PathID(c, "id")
		if err != nil {
			return err
		}
		a := ActorOf(c)
		at, err := s.Orders.CanSeeAttachment(c.UserContext(), a, id)
		if err != nil {
			return err
		}
		key := at.Key
		if thumbnail {
			key = at.ThumbKey
		}
		etag := `"` + catalog.MediaHash(key) + `"`
		headers := func() {
			c.Set(fiber.HeaderCacheControl, "private, no-cache")
			c.Set(fiber.HeaderETag, etag)
			c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		}
		if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && key != "" && etagMatches(inm, etag) {
			headers()
			return c.SendStatus(fiber.StatusNotModified)
		}
		// The body is streamed after the handler returns, when the request's context is
		// already cancelled: the object is read under a context of its own, ended on close.
		ctx, cancel := context.WithTimeout(context.Background(), WriteTimeout)
		at, obj, err := s.Orders.AttachmentFile(ctx, a, id, thumbnail)
		if err != nil {
			cancel()
			return err
		}
		headers()
		c.Set(fiber.HeaderContentType, at.ContentType)
		disposition := contentDisposition(at.FileName)
		if at.IsImage() {
			// Shown in the page (re-encoded pixels, nothing to run); a PDF is saved.
			disposition = "inline" + strings.TrimPrefix(disposition, "attachment")
		}
		if thumbnail {
			disposition = "inline" + strings.TrimPrefix(contentDisposition("thumbnail-"+at.FileName), "attachment")
		}
		c.Set(fiber.HeaderContentDisposition, disposition)
		return c.SendStream(closeCancel{ReadCloser: obj.Body, cancel: cancel}, int(obj.Size))
	}
}
