package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog/imaging"
)

// Limits of images and documents. The README lists them too.
const (
	MaxImageBytes          = 15 << 20 // one image file
	MaxDocumentBytes       = 20 << 20 // one PDF
	MaxPixels              = imaging.MaxPixels
	MaxImagesPerListing    = 20
	MaxDocumentsPerListing = 20
	MaxFilesPerUpload      = 10
	MaxAltLength           = 300 // characters per language
	MaxFileNameLength      = 200 // characters
	// UploadGuard is how long an upload's objects are protected from the deletion job
	// before its rows exist: far longer than any upload takes.
	UploadGuard = time.Hour
)

// ImageVariant is one stored size of an image.
type ImageVariant struct {
	Width, Height int
	Key           string // object key in the bucket
}

// Image is a picture of a listing's gallery.
type Image struct {
	ID, ListingID int64
	Position      int           // 0-based order in the gallery
	Alt           accounts.Text // alt text in ru/kk/en
	Width, Height int           // of the largest stored variant
	Variants      []ImageVariant
	CreatedAt     time.Time
}

// Document is a PDF attached to a listing (a certificate, a drawing).
type Document struct {
	ID, ListingID int64
	Title         accounts.Text
	FileName      string
	Key           string
	SizeBytes     int64
	CreatedAt     time.Time
}

// Upload is one uploaded file.
type Upload struct {
	FileName string
	Data     []byte
	Text     accounts.Text // alt text of an image, title of a document
}

// MediaURL is where the server serves an object.
func MediaURL(key string) string { return "/media/" + key }

// mediaKey matches the keys the catalog writes; no other key is ever served.
var mediaKey = regexp.MustCompile(`^(images/[0-9a-f]{64}\.(jpg|png)|documents/[0-9a-f]{64}\.pdf)$`)

// ValidMediaKey reports whether key has the form of a key the catalog writes.
func ValidMediaKey(key string) bool { return mediaKey.MatchString(key) }

// MediaHash returns the content hash in a valid key (its strong ETag).
func MediaHash(key string) string {
	base := path.Base(key)
	return strings.TrimSuffix(base, path.Ext(base))
}

// MediaContentType is the media type of a valid key.
func MediaContentType(key string) string {
	switch path.Ext(key) {
	case ".jpg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	default:
		return "application/pdf"
	}
}

// Object is an object being read from the store.
type Object struct {
	Body io.ReadCloser
	Size int64
}

// Objects is the object store (storage/objects on MinIO). Errors other than CodeNotFound
// are the store's failures.
type Objects interface {
	// Put stores data under key, replacing an object there (keys are content hashes, so a
	// replacement has the same content).
	Put(ctx context.Context, key string, data []byte, contentType string) error
	// Get opens the object at key; CodeNotFound if there is none. The caller closes Body.
	Get(ctx context.Context, key string) (Object, error)
	// Remove deletes the object at key; removing a missing object is no error.
	Remove(ctx context.Context, key string) error
}

// ObjectGuards are the two methods of a store that make an upload atomic (see
// PutGuarded). MediaStore has them, and so does every other store whose rows reference
// objects (orders' attachments).
type ObjectGuards interface {
	// GuardObjects queues keys for deletion no earlier than until (an existing entry's time
	// only moves later): an upload's objects are cleaned by the deletion job if its rows
	// never come.
	GuardObjects(ctx context.Context, keys []string, until time.Time) error
	// CheckGuards locks the queue entries of keys and returns CodeUnavailable unless each
	// exists and is not due at now. Run in the transaction that inserts the rows.
	CheckGuards(ctx context.Context, keys []string, now time.Time) error
}

// MediaStore persists images, documents and the queue of objects to delete; catalog.Store
// has it. Removals queue their keys in the same transaction.
type MediaStore interface {
	ObjectGuards
	// LockListing reads listing id and locks its row until the transaction ends.
	LockListing(ctx context.Context, id int64) (Listing, error)
	// Images returns a listing's images by position; Documents its documents, oldest first.
	Images(ctx context.Context, listingID int64) ([]Image, error)
	Documents(ctx context.Context, listingID int64) ([]Document, error)
	// CreateImage inserts img with its variants and sets its ID and CreatedAt.
	CreateImage(ctx context.Context, img *Image) error
	// SetImageAlt changes an image's alt text; CodeNotFound unless it is the listing's.
	SetImageAlt(ctx context.Context, listingID, imageID int64, alt accounts.Text) error
	// SetImagePositions gives the images ids positions 0, 1, ... in that order.
	SetImagePositions(ctx context.Context, listingID int64, ids []int64) error
	// DeleteImage removes an image of the listing, closes the gap in the positions and
	// queues its objects for deletion at now. CodeNotFound unless it is the listing's.
	DeleteImage(ctx context.Context, listingID, imageID int64, now time.Time) error
	// CreateDocument inserts d and sets its ID and CreatedAt.
	CreateDocument(ctx context.Context, d *Document) error
	// DeleteDocument removes a document of the listing and queues its object.
	DeleteDocument(ctx context.Context, listingID, documentID int64, now time.Time) error
	// DeleteListing removes the listing (at expectedVersion, else CodeConflict naming the
	// current version) with its images and documents, queuing their objects.
	DeleteListing(ctx context.Context, id int64, expectedVersion int, now time.Time) error
	// MediaFileName returns the file name of a document stored at key, "" for an image
	// key; CodeNotFound when no row references key.
	MediaFileName(ctx context.Context, key string) (string, error)
}

// mediaListing loads a listing for a change to its media by a: only the enterprise's
// managers (the rule of editing the listing) may.
func (s *Service) mediaListing(ctx context.Context, a accounts.Actor, id int64) (Listing, error) {
	l, err := s.Listing(ctx, a, id)
	if err != nil {
		return Listing{}, err
	}
	if err := s.authorizeListing(ctx, a, accounts.ActionManage, l); err != nil {
		if accounts.ErrorCode(err) == accounts.CodeNotFound && l.Status == StatusPublished {
			return Listing{}, &accounts.Error{Code: accounts.CodeForbidden, Message: "only the producing enterprise's managers change its listings"}
		}
		return Listing{}, err
	}
	return l, nil
}

// CheckUploads refuses a batch of no files, of more than MaxFilesPerUpload, or with a file
// over maxBytes (CodeTooLarge, naming it).
func CheckUploads(files []Upload, maxBytes int) error {
	if len(files) == 0 {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"files": "send at least one file"}}
	}
	if len(files) > MaxFilesPerUpload {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"files": fmt.Sprintf("at most %d files at once", MaxFilesPerUpload)}}
	}
	for _, f := range files {
		if len(f.Data) > maxBytes {
			return &accounts.Error{Code: accounts.CodeTooLarge, Message: fmt.Sprintf("%s is larger than %d MB", f.FileName, maxBytes>>20),
				Fields: map[string]string{"files": fmt.Sprintf("%s: at most %d bytes", f.FileName, maxBytes)}}
		}
	}
	return nil
}

func checkAlt(field string, t accounts.Text, max int) error {
	v := accounts.Validation{}
	checkText(v, field, t, max)
	return v.Err()
}

// imageError turns imaging's refusals into the domain's errors, naming the file.
func imageError(name string, err error) error {
	field := map[string]string{"files": name + ": " + strings.TrimPrefix(err.Error(), "imaging: ")}
	switch {
	case errors.Is(err, imaging.ErrType), errors.Is(err, imaging.ErrPolyglot):
		return &accounts.Error{Code: accounts.CodeUnsupportedType, Message: name + " is not a JPEG, PNG or WebP image (or holds more than one)", Fields: field}
	case errors.Is(err, imaging.ErrTooManyPixels):
		return &accounts.Error{Code: accounts.CodeInvalid, Message: fmt.Sprintf("%s has more than %d megapixels", name, MaxPixels/1_000_000), Fields: field}
	case errors.Is(err, imaging.ErrDamaged):
		return &accounts.Error{Code: accounts.CodeInvalid, Message: name + " is damaged and cannot be read", Fields: field}
	}
	return err
}

func hashKey(prefix string, data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return prefix + hex.EncodeToString(sum[:]) + "." + ext
}

// PendingObject is an object an upload is about to write.
type PendingObject struct {
	Key, ContentType string
	Data             []byte
}

// PrepareImage checks and re-encodes an uploaded image into variants of widths (see
// imaging.ProcessWidths: the type by content, no polyglot, at most MaxPixels, every
// variant re-encoded from pixels so that no metadata survives) and returns them, ascending
// by width, with the objects to write: each keyed prefix + the hash of its content.
// Refusals name the file: CodeUnsupportedType for a file that is no JPEG, PNG or WebP
// image, CodeInvalid for a decompression bomb or a damaged image.
func PrepareImage(f Upload, prefix string, widths []int) ([]ImageVariant, []PendingObject, error) {
	vs, err := imaging.ProcessWidths(f.Data, widths)
	if err != nil {
		return nil, nil, imageError(f.FileName, err)
	}
	variants := make([]ImageVariant, len(vs))
	objs := make([]PendingObject, len(vs))
	for i, v := range vs {
		key := hashKey(prefix, v.Data, v.Ext)
		variants[i] = ImageVariant{Width: v.Width, Height: v.Height, Key: key}
		objs[i] = PendingObject{Key: key, ContentType: v.ContentType, Data: v.Data}
	}
	return variants, objs, nil
}

// PrepareDocument checks that an uploaded file is a whole PDF (CheckPDF; else
// CodeUnsupportedType naming it) and returns the object to write, keyed prefix + the hash
// of its content + ".pdf".
func PrepareDocument(f Upload, prefix string) (PendingObject, error) {
	if !CheckPDF(f.Data) {
		return PendingObject{}, &accounts.Error{Code: accounts.CodeUnsupportedType, Message: f.FileName + " is not a PDF document",
			Fields: map[string]string{"files": f.FileName + ": not a PDF"}}
	}
	return PendingObject{Key: hashKey(prefix, f.Data, "pdf"), ContentType: "application/pdf", Data: f.Data}, nil
}

// PutGuarded writes objs so that a failure at any point leaves nothing behind for good.
//
// The order is what makes it so. 1. The keys are queued for deletion, due only after
// UploadGuard (GuardObjects): from then on the deletion job leaves them alone, and if this
// upload dies anywhere later, the job removes whatever it wrote once the guard expires
// (unless some row references the key: keys are content hashes shared between listings).
// 2. The objects are written. 3. The rows are inserted by commit, in one transaction that
// then locks the guard entries and checks they are still pending (CheckGuards) before it
// commits: the job deletes an object only while holding its entry's row lock and only when
// the entry is due and no committed row references the key, so an object whose guard is
// pending and locked by the inserting transaction cannot vanish under the rows that
// reference it. A row that commits always points at an object that exists; an object
// without a row is queued.
//
// The entries are locked after commit has run, not before: commit locks the parent (a
// listing, an acceptance) first, as a removal does before it queues its keys, so that an
// upload and a removal of the same parent sharing a key take their locks in one order and
// cannot deadlock.
//
// store guards the keys; inTx runs a function in one transaction of it (its InTx); now is
// the clock. The deletion job must know every table whose rows reference keys.
func PutGuarded[S ObjectGuards](ctx context.Context, store S, inTx func(context.Context, func(S) error) error,
	objects Objects, now func() time.Time, objs []PendingObject, commit func(S) error) error {
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	if err := store.GuardObjects(ctx, keys, now().Add(UploadGuard)); err != nil {
		return err
	}
	for _, o := range objs {
		if err := objects.Put(ctx, o.Key, o.Data, o.ContentType); err != nil {
			return err
		}
	}
	return inTx(ctx, func(tx S) error {
		if err := commit(tx); err != nil {
			return err
		}
		return tx.CheckGuards(ctx, keys, now())
	})
}

// putGuarded is PutGuarded on the catalog's store.
func (s *Service) putGuarded(ctx context.Context, objs []PendingObject, commit func(Store) error) error {
	return PutGuarded(ctx, s.Store, s.Store.InTx, s.Objects, s.now, objs, commit)
}

// AddImages checks, re-encodes and stores images for a listing, appended to its gallery
// with file i's Text as alt text. Every file is checked before anything is stored; one bad
// file refuses the whole request.
func (s *Service) AddImages(ctx context.Context, a accounts.Actor, listingID int64, files []Upload) ([]Image, error) {
	l, err := s.mediaListing(ctx, a, listingID)
	if err != nil {
		return nil, err
	}
	if err := CheckUploads(files, MaxImageBytes); err != nil {
		return nil, err
	}
	if len(l.Images)+len(files) > MaxImagesPerListing {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"files": fmt.Sprintf("a listing has at most %d images; it has %d", MaxImagesPerListing, len(l.Images))}}
	}
	var objs []PendingObject
	imgs := make([]Image, len(files))
	for i, f := range files {
		alt := trimText(f.Text)
		if err := checkAlt("alt", alt, MaxAltLength); err != nil {
			return nil, err
		}
		variants, fileObjs, err := PrepareImage(f, "images/", imaging.VariantWidths)
		if err != nil {
			return nil, err
		}
		img := Image{ListingID: listingID, Alt: alt, Variants: variants}
		objs = append(objs, fileObjs...)
		last := img.Variants[len(img.Variants)-1]
		img.Width, img.Height = last.Width, last.Height
		imgs[i] = img
	}
	err = s.putGuarded(ctx, objs, func(tx Store) error {
		if _, err := tx.LockListing(ctx, listingID); err != nil {
			return err
		}
		have, err := tx.Images(ctx, listingID)
		if err != nil {
			return err
		}
		if len(have)+len(imgs) > MaxImagesPerListing {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"files": fmt.Sprintf("a listing has at most %d images; it has %d", MaxImagesPerListing, len(have))}}
		}
		for i := range imgs {
			imgs[i].Position = len(have) + i
			if err := tx.CreateImage(ctx, &imgs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return imgs, nil
}

// SetImageAlt changes an image's alt text.
func (s *Service) SetImageAlt(ctx context.Context, a accounts.Actor, listingID, imageID int64, alt accounts.Text) (Image, error) {
	if _, err := s.mediaListing(ctx, a, listingID); err != nil {
		return Image{}, err
	}
	alt = trimText(alt)
	if err := checkAlt("alt", alt, MaxAltLength); err != nil {
		return Image{}, err
	}
	// In a transaction like every change, so that stores that act on commits (the search
	// cache) see it.
	if err := s.Store.InTx(ctx, func(tx Store) error { return tx.SetImageAlt(ctx, listingID, imageID, alt) }); err != nil {
		return Image{}, err
	}
	imgs, err := s.Store.Images(ctx, listingID)
	if err != nil {
		return Image{}, err
	}
	for _, img := range imgs {
		if img.ID == imageID {
			return img, nil
		}
	}
	return Image{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "no such image"}
}

// ReorderImages puts a listing's gallery in the order of imageIDs, which must name each of
// its images exactly once.
func (s *Service) ReorderImages(ctx context.Context, a accounts.Actor, listingID int64, imageIDs []int64) ([]Image, error) {
	if _, err := s.mediaListing(ctx, a, listingID); err != nil {
		return nil, err
	}
	var out []Image
	err := s.Store.InTx(ctx, func(tx Store) error {
		if _, err := tx.LockListing(ctx, listingID); err != nil {
			return err
		}
		have, err := tx.Images(ctx, listingID)
		if err != nil {
			return err
		}
		known := map[int64]bool{}
		for _, img := range have {
			known[img.ID] = true
		}
		seen := map[int64]bool{}
		for _, id := range imageIDs {
			if !known[id] || seen[id] {
				return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
					Fields: map[string]string{"image_ids": fmt.Sprintf("image %d is not one of the listing's images or is named twice", id)}}
			}
			seen[id] = true
		}
		if len(imageIDs) != len(have) {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"image_ids": fmt.Sprintf("name every one of the listing's %d images", len(have))}}
		}
		if err := tx.SetImagePositions(ctx, listingID, imageIDs); err != nil {
			return err
		}
		out, err = tx.Images(ctx, listingID)
		return err
	})
	return out, err
}

// RemoveImage removes an image from a listing; its objects are deleted by the deletion
// job once no row references them.
func (s *Service) RemoveImage(ctx context.Context, a accounts.Actor, listingID, imageID int64) error {
	if _, err := s.mediaListing(ctx, a, listingID); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx Store) error {
		if _, err := tx.LockListing(ctx, listingID); err != nil {
			return err
		}
		return tx.DeleteImage(ctx, listingID, imageID, s.now())
	})
}

// CheckPDF reports whether data looks like a whole PDF: the %PDF- header and %%EOF near
// the end.
func CheckPDF(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return false
	}
	tail := data[max(0, len(data)-1024):]
	return bytes.Contains(tail, []byte("%%EOF"))
}

// CleanFileName keeps the base name of an uploaded file, without control characters and
// at most MaxFileNameLength characters.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxFileNameLength {
		name = string([]rune(name)[:MaxFileNameLength])
	}
	if name == "" || name == "." || name == "/" {
		name = "document.pdf"
	}
	return name
}

// AddDocuments stores PDF documents for a listing, titled by each file's Text.
func (s *Service) AddDocuments(ctx context.Context, a accounts.Actor, listingID int64, files []Upload) ([]Document, error) {
	l, err := s.mediaListing(ctx, a, listingID)
	if err != nil {
		return nil, err
	}
	if err := CheckUploads(files, MaxDocumentBytes); err != nil {
		return nil, err
	}
	if len(l.Documents)+len(files) > MaxDocumentsPerListing {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"files": fmt.Sprintf("a listing has at most %d documents", MaxDocumentsPerListing)}}
	}
	docs := make([]Document, len(files))
	objs := make([]PendingObject, len(files))
	for i, f := range files {
		obj, err := PrepareDocument(f, "documents/")
		if err != nil {
			return nil, err
		}
		title := trimText(f.Text)
		if err := checkAlt("title", title, MaxTitleLength); err != nil {
			return nil, err
		}
		docs[i] = Document{ListingID: listingID, Title: title, FileName: CleanFileName(f.FileName), Key: obj.Key, SizeBytes: int64(len(f.Data))}
		objs[i] = obj
	}
	err = s.putGuarded(ctx, objs, func(tx Store) error {
		if _, err := tx.LockListing(ctx, listingID); err != nil {
			return err
		}
		have, err := tx.Documents(ctx, listingID)
		if err != nil {
			return err
		}
		if len(have)+len(docs) > MaxDocumentsPerListing {
			return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
				Fields: map[string]string{"files": fmt.Sprintf("a listing has at most %d documents", MaxDocumentsPerListing)}}
		}
		for i := range docs {
			if err := tx.CreateDocument(ctx, &docs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// RemoveDocument removes a document from a listing; its object goes with the deletion job.
func (s *Service) RemoveDocument(ctx context.Context, a accounts.Actor, listingID, documentID int64) error {
	if _, err := s.mediaListing(ctx, a, listingID); err != nil {
		return err
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx Store) error { return tx.DeleteDocument(ctx, listingID, documentID, now) })
}

// DeleteListing removes a listing with its images and documents, if it is still at
// version; their objects go with the deletion job.
func (s *Service) DeleteListing(ctx context.Context, a accounts.Actor, listingID int64, version int) error {
	if _, err := s.editable(ctx, a, listingID, version); err != nil {
		return err
	}
	err := s.Store.DeleteListing(ctx, listingID, version, s.now())
	var de *accounts.Error
	if errors.As(err, &de) && de.Code == accounts.CodeConflict && de.Fields["version"] != "" {
		return &accounts.Error{Code: accounts.CodeConflict, Message: staleMessage, Fields: de.Fields}
	}
	return err
}

// Media opens a stored object for serving: only keys of the form the catalog writes and
// that some row still references; others are not found. fileName is a document's name
// ("" for an image).
func (s *Service) Media(ctx context.Context, key string) (obj Object, fileName string, err error) {
	if !ValidMediaKey(key) {
		return Object{}, "", &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	if fileName, err = s.Store.MediaFileName(ctx, key); err != nil {
		return Object{}, "", err
	}
	obj, err = s.Objects.Get(ctx, key)
	return obj, fileName, err
}

// Limits of the object deletion job. The README lists them too.
const (
	DeletionBatch       = 50
	DeletionLease       = 5 * time.Minute
	DeletionMaxDelay    = time.Hour
	DeletionFirstDelay  = 30 * time.Second
	DeletionMaxAttempts = 20
)

// DeletionQueue hands out due entries of the object deletion queue; storage/postgres has it.
type DeletionQueue interface {
	// DeleteDue runs one round: it claims up to limit due entries with a lease, then for
	// each, under its row lock and only if it is still due and no row references the key,
	// calls remove; a removed or referenced key leaves the queue, a failure is retried
	// after retryDelay(attempts) until maxAttempts. Returns how many objects were removed
	// and the removals that failed.
	DeleteDue(ctx context.Context, now time.Time, limit, maxAttempts int, lease time.Duration,
		remove func(context.Context, string) error, retryDelay func(attempts int) time.Duration) (int, []DeletionFailure, error)
	// StuckDeletions counts the entries that failed maxAttempts times: the job no longer
	// tries them, and their objects stay until an operator looks.
	StuckDeletions(ctx context.Context, maxAttempts int) (int, error)
}

// DeletionFailure is a removal of an object that failed.
type DeletionFailure struct {
	Key      string
	Attempts int // failed attempts so far, this one included
	Err      error
}

// DeletionRetryDelay is exponential back-off from DeletionFirstDelay, capped at
// DeletionMaxDelay.
func DeletionRetryDelay(attempts int) time.Duration {
	d := DeletionFirstDelay
	for i := 1; i < attempts && d < DeletionMaxDelay; i++ {
		d *= 2
	}
	return min(d, DeletionMaxDelay)
}

// DeleteObjects runs one round of the deletion job (sheber worker) and returns how many
// objects it removed. Every failed removal is logged with its key (a warning, or an error
// when it was the last attempt: the object then stays, StuckDeletions counts it and
// /readyz reports the portal degraded). logger nil means slog.Default().
func DeleteObjects(ctx context.Context, q DeletionQueue, objs Objects, now time.Time, logger *slog.Logger) (int, error) {
	if logger == nil {
		logger = slog.Default()
	}
	n, failed, err := q.DeleteDue(ctx, now, DeletionBatch, DeletionMaxAttempts, DeletionLease, objs.Remove, DeletionRetryDelay)
	for _, f := range failed {
		if f.Attempts >= DeletionMaxAttempts {
			logger.ErrorContext(ctx, "object deletion gave up: the object stays until an operator retries it",
				slog.String("key", f.Key), slog.Int("attempts", f.Attempts), slog.Any("error", f.Err))
			continue
		}
		logger.WarnContext(ctx, "object deletion failed; retrying later", slog.String("key", f.Key),
			slog.Int("attempts", f.Attempts), slog.Duration("retry_in", DeletionRetryDelay(f.Attempts)), slog.Any("error", f.Err))
	}
	return n, err
}
