package frontend

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/api"
	"github.com/sheber-kz/sheber/catalog"
)

// Images and documents of listings: responsive <img> attributes for the catalog and the
// product page, and the editor's media section. The editor uploads through the API with
// a progress bar when JavaScript runs (static/editor.js); without it, the same forms post
// to the page routes here, which call the same domain methods and redirect back.

// imageSrc is the address of an image's smallest variant, the src of an <img> whose
// srcset offers the others.
func imageSrc(img catalog.Image) string {
	if len(img.Variants) == 0 {
		return ""
	}
	return catalog.MediaURL(img.Variants[0].Key)
}

// imageSrcset lists an image's variants with their widths: "/media/a.jpg 320w, ...".
func imageSrcset(img catalog.Image) string {
	parts := make([]string, 0, len(img.Variants))
	for _, v := range img.Variants {
		parts = append(parts, catalog.MediaURL(v.Key)+" "+strconv.Itoa(v.Width)+"w")
	}
	return strings.Join(parts, ", ")
}

// fileSize writes a size in bytes for people: "850 KB", "3.4 MB".
func fileSize(lang string, n int64) string {
	kb, mb := "КБ", "МБ"
	if lang == langEN {
		kb, mb = "KB", "MB"
	}
	if n < 1<<20 {
		return strconv.FormatInt((n+1023)/1024, 10) + "\u00a0" + kb
	}
	tenths := (n*10 + 1<<19) >> 20
	s := fmt.Sprintf("%d.%d", tenths/10, tenths%10)
	if lang != langEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "\u00a0" + mb
}

// mediaRedirect goes back to the editor's media section with a note.
func mediaRedirect(c *fiber.Ctx, listingID int64, done, anchor string) error {
	return c.Redirect(editPath(listingID, done)+"#"+anchor, fiber.StatusSeeOther)
}

// uploadProblem reports whether err refuses the uploaded files themselves (too large,
// not an image, too many), to be shown next to the file field rather than as an error page.
func uploadProblem(err error) (status int, problem string, ok bool) {
	switch accounts.ErrorCode(err) {
	case accounts.CodeInvalid, accounts.CodeTooLarge, accounts.CodeUnsupportedType, accounts.CodeBadRequest:
		status, de := api.DomainError(err)
		problem = de.Message
		for _, p := range de.Fields {
			problem = p
			break
		}
		return status, problem, true
	}
	return 0, "", false
}

// showUploadProblem renders the editor of l with problem next to the file field named field.
func (ui *UI) showUploadProblem(c *fiber.Ctx, l catalog.Listing, status int, field, problem string) error {
	f := listingForm(l, language(c))
	f.Errors = map[string]string{field: problem}
	return ui.renderEditor(c, status, l.EnterpriseID, l, f, 0)
}

func (ui *UI) addImages(c *fiber.Ctx) error {
	return ui.addMedia(c, "alt", catalog.MaxImageBytes, "image_files", "images",
		func(ctx context.Context, a accounts.Actor, id int64, files []catalog.Upload) error {
			_, err := ui.srv.Catalog.AddImages(ctx, a, id, files)
			return err
		})
}

func (ui *UI) addDocuments(c *fiber.Ctx) error {
	return ui.addMedia(c, "title", catalog.MaxDocumentBytes, "document_files", "documents",
		func(ctx context.Context, a accounts.Actor, id int64, files []catalog.Upload) error {
			_, err := ui.srv.Catalog.AddDocuments(ctx, a, id, files)
			return err
		})
}

// addMedia is the no-JavaScript upload of images or documents: the files of the form
// (with their textField per language, each at most maxBytes) go to add; a refused upload
// re-renders the editor with the problem at formField, a good one returns to anchor.
func (ui *UI) addMedia(c *fiber.Ctx, textField string, maxBytes int64, formField, anchor string,
	add func(context.Context, accounts.Actor, int64, []catalog.Upload) error) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	files, err := api.Uploads(c, textField, maxBytes)
	if err == nil && len(files) == 0 {
		err = &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"files": "choose at least one file"}}
	}
	if err == nil {
		err = add(c.UserContext(), api.ActorOf(c), l.ID, files)
	}
	if status, problem, ok := uploadProblem(err); ok {
		return ui.showUploadProblem(c, l, status, formField, problem)
	}
	if err != nil {
		return err
	}
	return mediaRedirect(c, l.ID, anchor, anchor)
}

func (ui *UI) setImageAlt(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	imageID, err := api.PathID(c, "imageID")
	if err != nil {
		return err
	}
	alt := accounts.Text{RU: formValue(c, "alt_ru"), KK: formValue(c, "alt_kk"), EN: formValue(c, "alt_en")}
	_, err = ui.srv.Catalog.SetImageAlt(c.UserContext(), api.ActorOf(c), l.ID, imageID, alt)
	if status, problem, ok := uploadProblem(err); ok {
		return ui.showUploadProblem(c, l, status, "alt_"+strconv.FormatInt(imageID, 10), problem)
	}
	if err != nil {
		return err
	}
	return mediaRedirect(c, l.ID, "saved", "image-"+strconv.FormatInt(imageID, 10))
}

// movedOrder returns the gallery's image ids with imageID moved one place up (earlier) or
// down; ok is false if there is no such image or it cannot move that way.
func movedOrder(imgs []catalog.Image, imageID int64, up bool) ([]int64, bool) {
	ids := make([]int64, len(imgs))
	at := -1
	for i, img := range imgs {
		ids[i] = img.ID
		if img.ID == imageID {
			at = i
		}
	}
	to := at + 1
	if up {
		to = at - 1
	}
	if at < 0 || to < 0 || to >= len(ids) {
		return ids, false
	}
	ids[at], ids[to] = ids[to], ids[at]
	return ids, true
}

func (ui *UI) moveImage(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	imageID, err := api.PathID(c, "imageID")
	if err != nil {
		return err
	}
	dir := formValue(c, "dir")
	if dir != "up" && dir != "down" {
		return &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed", Fields: map[string]string{"dir": "up or down"}}
	}
	ids, ok := movedOrder(l.Images, imageID, dir == "up")
	if ok {
		if _, err := ui.srv.Catalog.ReorderImages(c.UserContext(), api.ActorOf(c), l.ID, ids); err != nil {
			return err
		}
	}
	return mediaRedirect(c, l.ID, "", "image-"+strconv.FormatInt(imageID, 10))
}

func (ui *UI) removeImage(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	imageID, err := api.PathID(c, "imageID")
	if err != nil {
		return err
	}
	if err := ui.srv.Catalog.RemoveImage(c.UserContext(), api.ActorOf(c), l.ID, imageID); err != nil {
		return err
	}
	return mediaRedirect(c, l.ID, "", "images")
}

func (ui *UI) removeDocument(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	docID, err := api.PathID(c, "docID")
	if err != nil {
		return err
	}
	if err := ui.srv.Catalog.RemoveDocument(c.UserContext(), api.ActorOf(c), l.ID, docID); err != nil {
		return err
	}
	return mediaRedirect(c, l.ID, "", "documents")
}

func (ui *UI) deleteListing(c *fiber.Ctx) error {
	l, err := ui.editableListing(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(formValue(c, "version"))
	err = ui.srv.Catalog.DeleteListing(c.UserContext(), api.ActorOf(c), l.ID, version)
	if stale, ok := ui.staleEdit(c, err); ok {
		return ui.renderEditor(c, fiber.StatusConflict, stale.EnterpriseID, stale, listingForm(stale, language(c)), stale.Version)
	}
	if err != nil {
		return err
	}
	return c.Redirect(listingsPath(l.EnterpriseID)+"?deleted=1", fiber.StatusSeeOther)
}
