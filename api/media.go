package api

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// MaxUploadRequestBytes bounds an upload request (several files and their form fields);
// every other request stays under MaxBodyBytes (largeBodies).
const MaxUploadRequestBytes = 64 << 20

// MediaMaxAge is how long browsers and caches keep a served object: a year, since a key
// is its content's hash and never changes.
const MediaMaxAge = 365 * 24 * 60 * 60

type imageVariantDTO struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	URL    string `json:"url"`
}

type imageDTO struct {
	ID       int64             `json:"id"`
	Position int               `json:"position"`
	Alt      textDTO           `json:"alt"`
	Width    int               `json:"width"`
	Height   int               `json:"height"`
	Variants []imageVariantDTO `json:"variants"`
}

func newImage(img catalog.Image) imageDTO {
	out := imageDTO{ID: img.ID, Position: img.Position, Alt: newText(img.Alt), Width: img.Width, Height: img.Height,
		Variants: make([]imageVariantDTO, len(img.Variants))}
	for i, v := range img.Variants {
		out.Variants[i] = imageVariantDTO{Width: v.Width, Height: v.Height, URL: catalog.MediaURL(v.Key)}
	}
	return out
}

func newImages(imgs []catalog.Image) []imageDTO {
	out := make([]imageDTO, len(imgs))
	for i, img := range imgs {
		out[i] = newImage(img)
	}
	return out
}

type documentDTO struct {
	ID        int64   `json:"id"`
	Title     textDTO `json:"title"`
	FileName  string  `json:"file_name"`
	SizeBytes int64   `json:"size_bytes"`
	URL       string  `json:"url"`
}

func newDocuments(docs []catalog.Document) []documentDTO {
	out := make([]documentDTO, len(docs))
	for i, d := range docs {
		out[i] = documentDTO{ID: d.ID, Title: newText(d.Title), FileName: d.FileName, SizeBytes: d.SizeBytes, URL: catalog.MediaURL(d.Key)}
	}
	return out
}

type imagesDTO struct {
	Images []imageDTO `json:"images"`
}

type documentsDTO struct {
	Documents []documentDTO `json:"documents"`
}

// Uploads reads the multipart form's "files" and, for file i, the i-th value of the text
// fields prefix_ru, prefix_kk and prefix_en. A file over maxBytes is refused before it is
// read. Besides those, only the CSRF field of the portal's own forms is allowed: the
// frontend's no-JavaScript upload forms read their files with it too.
func Uploads(c *fiber.Ctx, prefix string, maxBytes int64) ([]catalog.Upload, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
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
		if name != prefix+"_ru" && name != prefix+"_kk" && name != prefix+"_en" && name != CSRFField {
			return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "unknown field " + strconv.Quote(name), Fields: map[string]string{name: "unknown field"}}
		}
	}
	text := func(lang string, i int) string {
		if vs := form.Value[prefix+"_"+lang]; i < len(vs) {
			return strings.Clone(vs[i])
		}
		return ""
	}
	out, err := FormFiles(c, "files", maxBytes)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Text = accounts.Text{RU: text("ru", i), KK: text("kk", i), EN: text("en", i)}
	}
	return out, nil
}

// FormFiles reads the files of the multipart form's field, at most
// catalog.MaxFilesPerUpload; a file over maxBytes is refused before it is read. The other
// fields are the caller's. A request that is no multipart form has no files.
func FormFiles(c *fiber.Ctx, field string, maxBytes int64) ([]catalog.Upload, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed multipart form"}
	}
	var files []*multipart.FileHeader
	for _, fh := range form.File[field] {
		// A browser sends an empty part for a file input left empty.
		if fh.Filename != "" || fh.Size > 0 {
			files = append(files, fh)
		}
	}
	if len(files) > catalog.MaxFilesPerUpload {
		return nil, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{field: fmt.Sprintf("at most %d files at once", catalog.MaxFilesPerUpload)}}
	}
	out := make([]catalog.Upload, len(files))
	for i, fh := range files {
		name := strings.Clone(fh.Filename)
		if fh.Size > maxBytes {
			return nil, &accounts.Error{Code: accounts.CodeTooLarge, Message: fmt.Sprintf("%s is larger than %d MB", name, maxBytes>>20),
				Fields: map[string]string{field: fmt.Sprintf("%s: at most %d bytes", name, maxBytes)}}
		}
		data, err := readPart(fh, maxBytes)
		if err != nil {
			return nil, err
		}
		out[i] = catalog.Upload{FileName: name, Data: data}
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader, maxBytes int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed multipart form"}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, &accounts.Error{Code: accounts.CodeBadRequest, Message: "malformed multipart form"}
	}
	return data, nil // a part over maxBytes is refused by the domain
}

func (s *Server) addImages(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	files, err := Uploads(c, "alt", catalog.MaxImageBytes)
	if err != nil {
		return err
	}
	imgs, err := s.Catalog.AddImages(c.UserContext(), ActorOf(c), id, files)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(imagesDTO{Images: newImages(imgs)})
}

type imageAltRequest struct {
	Alt textDTO `json:"alt"`
}

func (s *Server) setImageAlt(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	imageID, err := PathID(c, "imageID")
	if err != nil {
		return err
	}
	var req imageAltRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	img, err := s.Catalog.SetImageAlt(c.UserContext(), ActorOf(c), id, imageID, req.Alt.domain())
	if err != nil {
		return err
	}
	return c.JSON(newImage(img))
}

type imageOrderRequest struct {
	ImageIDs []int64 `json:"image_ids"`
}

func (s *Server) reorderImages(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	var req imageOrderRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	imgs, err := s.Catalog.ReorderImages(c.UserContext(), ActorOf(c), id, req.ImageIDs)
	if err != nil {
		return err
	}
	return c.JSON(imagesDTO{Images: newImages(imgs)})
}

func (s *Server) removeImage(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	imageID, err := PathID(c, "imageID")
	if err != nil {
		return err
	}
	if err := s.Catalog.RemoveImage(c.UserContext(), ActorOf(c), id, imageID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) addDocuments(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	files, err := Uploads(c, "title", catalog.MaxDocumentBytes)
	if err != nil {
		return err
	}
	docs, err := s.Catalog.AddDocuments(c.UserContext(), ActorOf(c), id, files)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(documentsDTO{Documents: newDocuments(docs)})
}

func (s *Server) removeDocument(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	docID, err := PathID(c, "docID")
	if err != nil {
		return err
	}
	if err := s.Catalog.RemoveDocument(c.UserContext(), ActorOf(c), id, docID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) deleteListing(c *fiber.Ctx) error {
	id, err := PathID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.Query("version"))
	if err := checkVersion(version); err != nil {
		return err
	}
	if err := s.Catalog.DeleteListing(c.UserContext(), ActorOf(c), id, version); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// etagMatches reports whether an If-None-Match header names etag (weak comparison, as
// RFC 9110 asks for If-None-Match).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// closeCancel ends the object's context when fasthttp has sent the body and closes it.
type closeCancel struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (r closeCancel) Close() error {
	err := r.ReadCloser.Close()
	r.cancel()
	return err
}

// media serves an object of the catalog: only keys of the form the catalog writes, and
// still referenced by a row. Keys are content hashes, so the response is immutable and
// its strong ETag is the hash.
func (s *Server) media(c *fiber.Ctx) error {
	key := strings.Clone(c.Params("*"))
	if !catalog.ValidMediaKey(key) {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	etag := `"` + catalog.MediaHash(key) + `"`
	cacheHeaders := func() {
		c.Set(fiber.HeaderCacheControl, fmt.Sprintf("public, max-age=%d, immutable", MediaMaxAge))
		c.Set(fiber.HeaderETag, etag)
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, etag) {
		cacheHeaders()
		return c.SendStatus(fiber.StatusNotModified)
	}
	// The body is streamed after the handler returns, when the request's context is
	// already cancelled: the object is read under a context of its own, ended on close.
	ctx, cancel := context.WithTimeout(context.Background(), WriteTimeout)
	obj, fileName, err := s.Catalog.Media(ctx, key)
	if err != nil {
		cancel()
		return err
	}
	cacheHeaders()
	c.Set(fiber.HeaderContentType, catalog.MediaContentType(key))
	if fileName != "" {
		c.Set(fiber.HeaderContentDisposition, contentDisposition(fileName))
	}
	return c.SendStream(closeCancel{ReadCloser: obj.Body, cancel: cancel}, int(obj.Size))
}

// contentDisposition is an attachment named name: an ASCII fallback and the UTF-8 name
// (RFC 6266).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}
