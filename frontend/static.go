package frontend

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/sheber-kz/sheber/accounts"
)

// assetCacheControl lets browsers and proxies keep an asset for good: its name changes
// whenever its content does.
const assetCacheControl = "public, max-age=31536000, immutable"

// asset is one embedded static file.
type asset struct {
	body        []byte
	contentType string
}

// assets are the files under static/, served as /static/<name>.<hash8>.<ext>, where hash8
// is the start of the SHA-256 of the content.
type assets struct {
	byHashedName map[string]asset  // "app.1a2b3c4d.css" -> the file
	pathByName   map[string]string // "app.css" -> "/static/app.1a2b3c4d.css"
}

// loadAssets reads and hashes every file under static/.
func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{byHashedName: map[string]asset{}, pathByName: map[string]string{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if strings.Contains(name, "/") {
			return fmt.Errorf("frontend: static asset %s: keep static/ flat", p)
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:8] + ext
		contentType := mime.TypeByExtension(ext)
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		a.byHashedName[hashed] = asset{body: body, contentType: contentType}
		a.pathByName[name] = "/static/" + hashed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontend: static assets: %w", err)
	}
	return a, nil
}

// path returns the address of the asset called name; templates call it as {{asset "app.css"}}.
func (a *assets) path(name string) (string, error) {
	p, ok := a.pathByName[name]
	if !ok {
		return "", fmt.Errorf("frontend: no static asset %q", name)
	}
	return p, nil
}

// staticAsset serves /static/<hashed name>.
func (ui *UI) staticAsset(c *fiber.Ctx) error {
	f, ok := ui.assets.byHashedName[c.Params("*")]
	if !ok {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, assetCacheControl)
	return c.Send(f.body)
}
