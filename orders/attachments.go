package orders

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Attachments: the buyer's photos of an acceptance (to document defects) and the drawings
// of a custom request (PDFs and images). They go through the catalog's media pipeline
// (catalog.PrepareImage, catalog.PrepareDocument, catalog.PutGuarded): images are sniffed,
// checked against decompression bombs and re-encoded so that no EXIF or GPS survives, PDFs
// are checked to be PDFs, and an upload that fails anywhere leaves no row and, once its
// guard expires, no object.
//
// Unlike the catalog's media they are private: stored under AttachmentPrefix, which the
// public /media/ route never serves, and read only through AttachmentFile after the
// access check of their parent: a photo as its fulfillment order (the buyer organization,
// the producer enterprise, oversight of either region), a drawing as its request (the
// buyer organization, oversight of its region, the invited producers). Anyone else is told
// there is nothing there.

// Limits of attachments. The README lists them too.
const (
	// MaxPhotoBytes bounds one photo of an acceptance; MaxDrawingImageBytes and
	// MaxDrawingPDFBytes one drawing: the catalog's limits for images and documents.
	MaxPhotoBytes        = catalog.MaxImageBytes
	MaxDrawingImageBytes = catalog.MaxImageBytes
	MaxDrawingPDFBytes   = catalog.MaxDocumentBytes
	// MaxPhotosPerAcceptance and MaxDrawingsPerRequest bound the files of one parent.
	MaxPhotosPerAcceptance = 10
	MaxDrawingsPerRequest  = 20
	// AcceptancePhotoWindow is how long after an acceptance the buyer may add and remove
	// its photos: time to finish documenting it; after that they are part of the record.
	AcceptancePhotoWindow = 24 * time.Hour
	// AttachmentThumbnailWidth and AttachmentMaxWidth are the widths an image is stored
	// at: a thumbnail for lists and a large copy (re-encoded, never wider than this).
	AttachmentThumbnailWidth = 320
	AttachmentMaxWidth       = 2560
)

// AttachmentPrefix is where attachments' objects are stored.
const AttachmentPrefix = "attachments/"

// attachmentWidths are the variant widths of an attached image.
var attachmentWidths = []int{AttachmentThumbnailWidth, AttachmentMaxWidth}

// Attachment is a private file of an acceptance (a photo) or of a custom request (a
// drawing).
type Attachment struct {
	ID int64
	// AcceptanceID is the acceptance of a photo, with its FulfillmentID; RequestID the
	// custom request of a drawing. Exactly one of AcceptanceID and RequestID is set.
	AcceptanceID  int64
	FulfillmentID int64
	RequestID     int64
	OrgID         int64 // the uploader's organization
	UploadedBy    int64
	FileName      string
	ContentType   string // image/jpeg, image/png or application/pdf
	Key           string
	SizeBytes     int64
	// Width and Height are the stored image's; ThumbKey and its size the thumbnail's
	// (the same object as Key for an image no wider than the thumbnail). Zero for a PDF.
	Width, Height           int
	ThumbKey                string
	ThumbWidth, ThumbHeight int
	CreatedAt               time.Time
}

// errNoAttachments is the error of a Service without an attachment or object store: a
// wiring mistake, not the caller's.
func (s *Service) errNoAttachments() error {
	if s.Attachments == nil || s.Objects == nil {
		return accounts.Internal(fmt.Errorf("orders: no attachment store or object store configured"))
	}
	return nil
}

// IsImage reports whether the attachment is an image (it has a thumbnail).
func (a Attachment) IsImage() bool { return a.ThumbKey != "" }

// AttachmentStore persists attachments (storage/postgres.OrdersStore has it, on the
// orders' database). Methods return CodeNotFound for a missing row.
type AttachmentStore interface {
	// GuardObjects and CheckGuards protect an upload's objects (catalog.PutGuarded).
	catalog.ObjectGuards
	// InAttachmentTx runs fn with an AttachmentStore bound to one transaction.
	InAttachmentTx(ctx context.Context, fn func(AttachmentStore) error) error
	// Acceptances returns a fulfillment's acceptances, oldest first.
	Acceptances(ctx context.Context, fulfillmentID int64) ([]Acceptance, error)
	// CustomRequest returns a request; lock holds it until the transaction ends.
	CustomRequest(ctx context.Context, id int64, lock bool) (CustomRequest, error)
	// LockAcceptance reads an acceptance and locks its row until the transaction ends.
	LockAcceptance(ctx context.Context, id int64) (Acceptance, error)
	// CreateAttachment inserts at and sets its ID and CreatedAt.
	CreateAttachment(ctx context.Context, at *Attachment) error
	// Attachment returns one attachment (a photo with its FulfillmentID).
	Attachment(ctx context.Context, id int64) (Attachment, error)
	// AcceptanceAttachments returns the photos of a fulfillment's acceptances, by
	// acceptance and upload; RequestAttachments a request's drawings, oldest first.
	AcceptanceAttachments(ctx context.Context, fulfillmentID int64) ([]Attachment, error)
	RequestAttachments(ctx context.Context, requestID int64) ([]Attachment, error)
	// DeleteAttachment removes an attachment and queues its objects for deletion at now,
	// in one transaction.
	DeleteAttachment(ctx context.Context, id int64, now time.Time) error
}

// AcceptanceRecord is an acceptance of a fulfillment order with its photos.
type AcceptanceRecord struct {
	Acceptance
	Photos []Attachment
	// EditableUntil is the end of AcceptancePhotoWindow.
	EditableUntil time.Time
}

// prepared is an upload checked and ready to store: its row without ids and its objects.
type prepared struct {
	at   Attachment
	objs []catalog.PendingObject
}

// prepareImage checks and re-encodes an uploaded image into a thumbnail and a large copy.
func prepareImage(f catalog.Upload) (prepared, error) {
	variants, objs, err := catalog.PrepareImage(f, AttachmentPrefix, attachmentWidths)
	if err != nil {
		return prepared{}, err
	}
	thumb, large := variants[0], variants[len(variants)-1]
	// The stored copy is re-encoded (a WebP becomes a JPEG): its name gets the new extension.
	ext := path.Ext(large.Key)
	name := "image"
	if strings.TrimSpace(f.FileName) != "" {
		base := catalog.CleanFileName(f.FileName)
		if n := strings.TrimSuffix(base, path.Ext(base)); n != "" {
			name = n
		}
	}
	var size int64
	for _, o := range objs {
		if o.Key == large.Key {
			size = int64(len(o.Data))
		}
	}
	ct := "image/jpeg"
	if ext == ".png" {
		ct = "image/png"
	}
	return prepared{at: Attachment{FileName: name + ext, ContentType: ct, Key: large.Key, SizeBytes: size,
		Width: large.Width, Height: large.Height, ThumbKey: thumb.Key, ThumbWidth: thumb.Width, ThumbHeight: thumb.Height}, objs: objs}, nil
}

// preparePhotos checks and re-encodes uploads as photos of an acceptance.
func preparePhotos(files []catalog.Upload) ([]prepared, error) {
	if err := catalog.CheckUploads(files, MaxPhotoBytes); err != nil {
		return nil, err
	}
	if len(files) > MaxPhotosPerAcceptance {
		return nil, tooManyFiles("an acceptance", MaxPhotosPerAcceptance, 0)
	}
	out := make([]prepared, len(files))
	for i, f := range files {
		p, err := prepareImage(f)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// prepareDrawings checks uploads as drawings: a file that starts as a PDF must be a whole
// PDF of at most MaxDrawingPDFBytes; any other must be an image of at most
// MaxDrawingImageBytes (an SVG or anything else is refused as an unsupported type).
func prepareDrawings(files []catalog.Upload) ([]prepared, error) {
	if err := catalog.CheckUploads(files, MaxDrawingPDFBytes); err != nil {
		return nil, err
	}
	out := make([]prepared, len(files))
	for i, f := range files {
		if strings.HasPrefix(string(f.Data[:min(len(f.Data), 5)]), "%PDF-") {
			obj, err := catalog.PrepareDocument(f, AttachmentPrefix)
			if err != nil {
				return nil, err
			}
			out[i] = prepared{at: Attachment{FileName: catalog.CleanFileName(f.FileName), ContentType: "application/pdf", Key: obj.Key,
				SizeBytes: int64(len(f.Data))}, objs: []catalog.PendingObject{obj}}
			continue
		}
		if len(f.Data) > MaxDrawingImageBytes {
			return nil, &accounts.Error{Code: accounts.CodeTooLarge, Message: fmt.Sprintf("%s is larger than %d MB", f.FileName, MaxDrawingImageBytes>>20),
				Fields: map[string]string{"files": fmt.Sprintf("%s: an image may have at most %d bytes", f.FileName, MaxDrawingImageBytes)}}
		}
		p, err := prepareImage(f)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

func tooManyFiles(parent string, max, have int) error {
	return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
		Fields: map[string]string{"files": fmt.Sprintf("%s has at most %d files; it has %d", parent, max, have)}}
}

// store writes the objects of ps and, in one transaction, inserts their rows after lock
// (which locks the parent and returns how many attachments it has) allows: a failure at
// any point leaves no row, and objects only the deletion job will remove.
func (s *Service) storeAttachments(ctx context.Context, ps []prepared, max int, parent string,
	lock func(tx AttachmentStore) (int, error), fill func(*Attachment)) ([]Attachment, error) {
	var objs []catalog.PendingObject
	for _, p := range ps {
		objs = append(objs, p.objs...)
	}
	out := make([]Attachment, len(ps))
	err := catalog.PutGuarded(ctx, s.Attachments, s.Attachments.InAttachmentTx, s.Objects, s.now, objs, func(tx AttachmentStore) error {
		have, err := lock(tx)
		if err != nil {
			return err
		}
		if have+len(ps) > max {
			return tooManyFiles(parent, max, have)
		}
		for i, p := range ps {
			at := p.at
			fill(&at)
			if err := tx.CreateAttachment(ctx, &at); err != nil {
				return err
			}
			out[i] = at
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// photoAcceptance loads acceptance acceptanceID of fulfillment fulfillmentID for a change
// of its photos by a: a must be able to manage the buyer's orders (else 403 for those who
// may see the fulfillment, 404 for everyone else), and the acceptance must be within
// AcceptancePhotoWindow (else 409).
func (s *Service) photoAcceptance(ctx context.Context, a accounts.Actor, fulfillmentID, acceptanceID int64) (Fulfillment, Acceptance, error) {
	f, err := s.Fulfillment(ctx, a, fulfillmentID)
	if err != nil {
		return Fulfillment{}, Acceptance{}, err
	}
	if err := accounts.Authorize(a, accounts.ActionManage, accounts.Resource{Kind: accounts.ResourceOrders, OrgID: f.BuyerOrgID, Region: f.BuyerRegion}); err != nil {
		if accounts.ErrorCode(err) == accounts.CodeNotFound {
			return Fulfillment{}, Acceptance{}, &accounts.Error{Code: accounts.CodeForbidden, Message: "only the buyer documents its acceptance"}
		}
		return Fulfillment{}, Acceptance{}, err
	}
	acc, err := s.Attachments.LockAcceptance(ctx, acceptanceID)
	if err != nil {
		return Fulfillment{}, Acceptance{}, err
	}
	if acc.FulfillmentID != fulfillmentID {
		return Fulfillment{}, Acceptance{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "no such acceptance"}
	}
	return f, acc, s.checkPhotoWindow(acc)
}

func (s *Service) checkPhotoWindow(acc Acceptance) error {
	until := acc.AcceptedAt.Add(AcceptancePhotoWindow)
	if !s.now().Before(until) {
		return &accounts.Error{Code: accounts.CodeConflict, Message: fmt.Sprintf("the photos of an acceptance can be changed for %s after it; this one was recorded at %s",
			AcceptancePhotoWindow, acc.AcceptedAt.UTC().Format(time.RFC3339)), Fields: map[string]string{"accepted_at": acc.AcceptedAt.UTC().Format(time.RFC3339)}}
	}
	return nil
}

// AddPhotos stores photos of an acceptance of a fulfillment order for the buyer (see
// photoAcceptance), at most MaxPhotosPerAcceptance in all. Every file is checked before
// anything is stored; one bad file refuses the whole request.
func (s *Service) AddPhotos(ctx context.Context, a accounts.Actor, fulfillmentID, acceptanceID int64, files []catalog.Upload) ([]Attachment, error) {
	if err := s.errNoAttachments(); err != nil {
		return nil, err
	}
	if _, _, err := s.photoAcceptance(ctx, a, fulfillmentID, acceptanceID); err != nil {
		return nil, err
	}
	ps, err := preparePhotos(files)
	if err != nil {
		return nil, err
	}
	return s.addPhotos(ctx, a, fulfillmentID, acceptanceID, ps)
}

// addPhotos stores prepared photos of an acceptance.
func (s *Service) addPhotos(ctx context.Context, a accounts.Actor, fulfillmentID, acceptanceID int64, ps []prepared) ([]Attachment, error) {
	f, acc, err := s.photoAcceptance(ctx, a, fulfillmentID, acceptanceID)
	if err != nil {
		return nil, err
	}
	return s.storeAttachments(ctx, ps, MaxPhotosPerAcceptance, "an acceptance", func(tx AttachmentStore) (int, error) {
		locked, err := tx.LockAcceptance(ctx, acceptanceID)
		if err != nil {
			return 0, err
		}
		if err := s.checkPhotoWindow(locked); err != nil {
			return 0, err
		}
		have, err := tx.AcceptanceAttachments(ctx, fulfillmentID)
		n := 0
		for _, p := range have {
			if p.AcceptanceID == acceptanceID {
				n++
			}
		}
		return n, err
	}, func(at *Attachment) {
		at.AcceptanceID, at.FulfillmentID, at.OrgID, at.UploadedBy = acc.ID, f.ID, f.BuyerOrgID, a.UserID
	})
}

// AcceptWithPhotos records an acceptance (Accept, without an idempotency key) and stores
// photos of it, for the pages' one form. The photos are checked before the acceptance is
// recorded, so that a bad file changes nothing; if storing them fails afterwards the
// acceptance stays recorded and the error says so (the photos can be sent again within
// AcceptancePhotoWindow).
func (s *Service) AcceptWithPhotos(ctx context.Context, a accounts.Actor, id int64, in AcceptanceInput, photos []catalog.Upload) (Fulfillment, []Attachment, error) {
	if err := s.errNoAttachments(); err != nil {
		return Fulfillment{}, nil, err
	}
	var ps []prepared
	if len(photos) > 0 {
		var err error
		if ps, err = preparePhotos(photos); err != nil {
			return Fulfillment{}, nil, err
		}
	}
	// The acceptance made here is the one that is new after Accept (the store does not
	// record who accepted; another made at the same moment is told apart by its id only,
	// and the newest is taken).
	before := map[int64]bool{}
	if len(ps) > 0 {
		accs, err := s.Attachments.Acceptances(ctx, id)
		if err != nil {
			return Fulfillment{}, nil, err
		}
		for _, acc := range accs {
			before[acc.ID] = true
		}
	}
	f, _, err := s.Accept(ctx, a, id, in, nil)
	if err != nil || len(ps) == 0 {
		return f, nil, err
	}
	accs, err := s.Attachments.Acceptances(ctx, id)
	if err != nil {
		return f, nil, err
	}
	var mine int64
	for _, acc := range accs {
		if !before[acc.ID] && acc.ID > mine {
			mine = acc.ID
		}
	}
	if mine == 0 {
		return f, nil, accounts.Internal(fmt.Errorf("orders: the acceptance of fulfillment %d just recorded is not found", id))
	}
	ats, err := s.addPhotos(ctx, a, id, mine, ps)
	var de *accounts.Error
	if errors.As(err, &de) && de.Code != accounts.CodeInternal {
		return f, nil, &accounts.Error{Code: de.Code, Message: "the acceptance is recorded, but its photos were not stored: " + de.Message,
			Fields: de.Fields, Err: err}
	}
	return f, ats, err
}

// Acceptances returns a fulfillment order's acceptances with their photos, to those who
// may see the fulfillment.
func (s *Service) Acceptances(ctx context.Context, a accounts.Actor, fulfillmentID int64) ([]AcceptanceRecord, error) {
	if err := s.errNoAttachments(); err != nil {
		return nil, err
	}
	if _, err := s.Fulfillment(ctx, a, fulfillmentID); err != nil {
		return nil, err
	}
	accs, err := s.Attachments.Acceptances(ctx, fulfillmentID)
	if err != nil {
		return nil, err
	}
	photos, err := s.Attachments.AcceptanceAttachments(ctx, fulfillmentID)
	if err != nil {
		return nil, err
	}
	out := make([]AcceptanceRecord, len(accs))
	for i, acc := range accs {
		out[i] = AcceptanceRecord{Acceptance: acc, EditableUntil: acc.AcceptedAt.Add(AcceptancePhotoWindow).UTC()}
		for _, p := range photos {
			if p.AcceptanceID == acc.ID {
				out[i].Photos = append(out[i].Photos, p)
			}
		}
	}
	return out, nil
}

// RemovePhoto removes a photo of an acceptance, for the buyer within
// AcceptancePhotoWindow; its objects go with the deletion job.
func (s *Service) RemovePhoto(ctx context.Context, a accounts.Actor, fulfillmentID, acceptanceID, photoID int64) error {
	if err := s.errNoAttachments(); err != nil {
		return err
	}
	if _, _, err := s.photoAcceptance(ctx, a, fulfillmentID, acceptanceID); err != nil {
		return err
	}
	return s.Attachments.InAttachmentTx(ctx, func(tx AttachmentStore) error {
		acc, err := tx.LockAcceptance(ctx, acceptanceID)
		if err != nil {
			return err
		}
		if err := s.checkPhotoWindow(acc); err != nil {
			return err
		}
		at, err := tx.Attachment(ctx, photoID)
		if err != nil {
			return err
		}
		if at.AcceptanceID != acceptanceID {
			return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such photo"}
		}
		return tx.DeleteAttachment(ctx, photoID, s.now())
	})
}

// drawingRequest loads custom request id for a change of its drawings by a: a must manage
// the buyer's orders (403 for others who may see the request, 404 for everyone else), and
// the request must still be open before its quote deadline (409).
func (s *Service) drawingRequest(ctx context.Context, tx AttachmentStore, a accounts.Actor, id int64, lock bool) (CustomRequest, error) {
	if a.Anonymous() {
		return CustomRequest{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	r, err := tx.CustomRequest(ctx, id, lock)
	if err != nil {
		return CustomRequest{}, err
	}
	if _, err := seeRequest(a, r); err != nil {
		return CustomRequest{}, err
	}
	if err := accounts.Authorize(a, accounts.ActionManage, requestResource(accounts.ResourceOrders, r)); err != nil {
		if accounts.ErrorCode(err) == accounts.CodeNotFound {
			return CustomRequest{}, &accounts.Error{Code: accounts.CodeForbidden, Message: "only the buyer changes the request's drawings"}
		}
		return CustomRequest{}, err
	}
	return r, s.checkOpen(r, "change its drawings")
}

// AddDrawings stores drawings (PDFs and images) of an open custom request for the buyer,
// at most MaxDrawingsPerRequest in all. Every file is checked before anything is stored.
func (s *Service) AddDrawings(ctx context.Context, a accounts.Actor, requestID int64, files []catalog.Upload) ([]Attachment, error) {
	if err := s.errNoAttachments(); err != nil {
		return nil, err
	}
	r, err := s.drawingRequest(ctx, s.Attachments, a, requestID, false)
	if err != nil {
		return nil, err
	}
	ps, err := prepareDrawings(files)
	if err != nil {
		return nil, err
	}
	return s.storeAttachments(ctx, ps, MaxDrawingsPerRequest, "a custom request", func(tx AttachmentStore) (int, error) {
		if _, err := s.drawingRequest(ctx, tx, a, requestID, true); err != nil {
			return 0, err
		}
		have, err := tx.RequestAttachments(ctx, requestID)
		return len(have), err
	}, func(at *Attachment) {
		at.RequestID, at.OrgID, at.UploadedBy = requestID, r.BuyerOrgID, a.UserID
	})
}

// Drawings returns a custom request's drawings, oldest first, to those who may see it.
func (s *Service) Drawings(ctx context.Context, a accounts.Actor, requestID int64) ([]Attachment, error) {
	if err := s.errNoAttachments(); err != nil {
		return nil, err
	}
	if _, err := s.Request(ctx, a, requestID); err != nil {
		return nil, err
	}
	return s.Attachments.RequestAttachments(ctx, requestID)
}

// RemoveDrawing removes a drawing of an open custom request, for the buyer; its objects go
// with the deletion job.
func (s *Service) RemoveDrawing(ctx context.Context, a accounts.Actor, requestID, drawingID int64) error {
	if err := s.errNoAttachments(); err != nil {
		return err
	}
	return s.Attachments.InAttachmentTx(ctx, func(tx AttachmentStore) error {
		if _, err := s.drawingRequest(ctx, tx, a, requestID, true); err != nil {
			return err
		}
		at, err := tx.Attachment(ctx, drawingID)
		if err != nil {
			return err
		}
		if at.RequestID != requestID {
			return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such drawing"}
		}
		return tx.DeleteAttachment(ctx, drawingID, s.now())
	})
}

// AttachmentFile opens an attachment's object for a download by a, after the access check
// of its parent: the large copy, or with thumbnail the thumbnail (CodeNotFound for a PDF).
// Anyone who may not see the parent gets CodeNotFound. The caller closes the Body.
func (s *Service) AttachmentFile(ctx context.Context, a accounts.Actor, id int64, thumbnail bool) (Attachment, catalog.Object, error) {
	if err := s.errNoAttachments(); err != nil {
		return Attachment{}, catalog.Object{}, err
	}
	if a.Anonymous() {
		return Attachment{}, catalog.Object{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	at, err := s.Attachments.Attachment(ctx, id)
	if err != nil {
		return Attachment{}, catalog.Object{}, err
	}
	if err := s.canSeeAttachment(ctx, a, at); err != nil {
		return Attachment{}, catalog.Object{}, err
	}
	key := at.Key
	if thumbnail {
		if !at.IsImage() {
			return Attachment{}, catalog.Object{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "a PDF has no thumbnail"}
		}
		key = at.ThumbKey
	}
	obj, err := s.Objects.Get(ctx, key)
	return at, obj, err
}

// CanSeeAttachment checks a's access to an attachment without opening it (a conditional
// download answered with 304); CodeNotFound for those who may not.
func (s *Service) CanSeeAttachment(ctx context.Context, a accounts.Actor, id int64) (Attachment, error) {
	if err := s.errNoAttachments(); err != nil {
		return Attachment{}, err
	}
	if a.Anonymous() {
		return Attachment{}, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	at, err := s.Attachments.Attachment(ctx, id)
	if err != nil {
		return Attachment{}, err
	}
	return at, s.canSeeAttachment(ctx, a, at)
}

func (s *Service) canSeeAttachment(ctx context.Context, a accounts.Actor, at Attachment) error {
	var err error
	if at.AcceptanceID != 0 {
		_, err = s.Fulfillment(ctx, a, at.FulfillmentID)
	} else {
		_, err = s.Request(ctx, a, at.RequestID)
	}
	if accounts.ErrorCode(err) == accounts.CodeForbidden {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return err
}
