package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Images, documents and the object deletion queue (migration 00005); orders' attachments
// (migration 00013, order_attachments.go) reference objects too and follow the same rules.
//
// Objects are shared by content hash, so deleting one is safe only when no row references
// its key and no upload is about to reference it. Three rules keep that true:
//   - a removal queues its keys in object_deletions in the transaction that deletes the
//     rows (DeleteImage, DeleteDocument, DeleteListing);
//   - an upload first queues its keys with a not_before in the future (GuardObjects; the
//     time only moves later), writes the objects, and inserts its rows in a transaction that
//     locks those entries and checks they are still pending (CheckGuards);
//   - the deletion job removes an object only inside a transaction holding its entry's row
//     lock, after checking again that the entry is due and no committed row references the
//     key (DeleteDue).
// An entry is deleted only by the job and only when due, so an entry that CheckGuards
// finds pending has been pending since the upload's guard: the job never touched the key
// after the upload wrote it. A guard that the job processes concurrently blocks the
// upload's GuardObjects until the job's transaction ends, after which the upload writes
// its object again.

// GuardObjects implements catalog.MediaStore.
func (s *CatalogStore) GuardObjects(ctx context.Context, keys []string, until time.Time) error {
	return queueKeys(ctx, s.q, keys, until)
}

// queueKeys queues keys for deletion at at, keeping a later time an entry already has.
func queueKeys(ctx context.Context, q queryer, keys []string, at time.Time) error {
	if len(keys) == 0 {
		return nil
	}
	const ins = `INSERT INTO object_deletions (object_key, not_before)
		SELECT DISTINCT k, $2::timestamptz FROM unnest($1::text[]) AS k
		ON CONFLICT (object_key) DO UPDATE SET not_before = greatest(object_deletions.not_before, EXCLUDED.not_before)`
	_, err := q.ExecContext(ctx, ins, pq.Array(keys), at.UTC())
	return translate(err)
}

// CheckGuards implements catalog.MediaStore.
func (s *CatalogStore) CheckGuards(ctx context.Context, keys []string, now time.Time) error {
	return checkGuards(ctx, s.q, keys, now)
}

// checkGuards locks the queue entries of keys and returns CodeUnavailable unless each is
// pending after now.
func checkGuards(ctx context.Context, db queryer, keys []string, now time.Time) error {
	const q = `SELECT count(*) FROM (SELECT object_key FROM object_deletions
		WHERE object_key = ANY($1::text[]) AND not_before > $2 ORDER BY object_key FOR UPDATE) g`
	distinct := map[string]bool{}
	for _, k := range keys {
		distinct[k] = true
	}
	var n int
	if err := db.GetContext(ctx, &n, q, pq.Array(keys), now.UTC()); err != nil {
		return translate(err)
	}
	if n != len(distinct) {
		return &accounts.Error{Code: accounts.CodeUnavailable, Message: "the upload took too long; send it again"}
	}
	return nil
}

// LockListing implements catalog.MediaStore.
func (s *CatalogStore) LockListing(ctx context.Context, id int64) (catalog.Listing, error) {
	const q = `SELECT ` + listingSelect + ` FROM listings l WHERE l.id = $1 FOR UPDATE OF l`
	var r listingRow
	if err := s.q.GetContext(ctx, &r, q, id); err != nil {
		return catalog.Listing{}, translate(err)
	}
	return r.listing(), nil
}

type variantJSON struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Key    string `json:"key"`
}

type imageJSON struct {
	ID        int64         `json:"id"`
	ListingID int64         `json:"listing_id"`
	Position  int           `json:"position"`
	AltRU     string        `json:"alt_ru"`
	AltKK     string        `json:"alt_kk"`
	AltEN     string        `json:"alt_en"`
	Width     int           `json:"width"`
	Height    int           `json:"height"`
	CreatedAt time.Time     `json:"created_at"`
	Variants  []variantJSON `json:"variants"`
}

func (r imageJSON) image() catalog.Image {
	img := catalog.Image{ID: r.ID, ListingID: r.ListingID, Position: r.Position, Alt: accounts.Text{RU: r.AltRU, KK: r.AltKK, EN: r.AltEN},
		Width: r.Width, Height: r.Height, CreatedAt: r.CreatedAt.UTC()}
	for _, v := range r.Variants {
		img.Variants = append(img.Variants, catalog.ImageVariant{Width: v.Width, Height: v.Height, Key: v.Key})
	}
	return img
}

type documentJSON struct {
	ID        int64     `json:"id"`
	ListingID int64     `json:"listing_id"`
	TitleRU   string    `json:"title_ru"`
	TitleKK   string    `json:"title_kk"`
	TitleEN   string    `json:"title_en"`
	FileName  string    `json:"file_name"`
	Key       string    `json:"object_key"`
	SizeBytes int64     `json:"size_bytes"`
	CreatedAt time.Time `json:"created_at"`
}

func (r documentJSON) document() catalog.Document {
	return catalog.Document{ID: r.ID, ListingID: r.ListingID, Title: accounts.Text{RU: r.TitleRU, KK: r.TitleKK, EN: r.TitleEN},
		FileName: r.FileName, Key: r.Key, SizeBytes: r.SizeBytes, CreatedAt: r.CreatedAt.UTC()}
}

// mediaQuery returns the images and documents of the listings $1 as two JSON arrays, in
// one statement.
const mediaQuery = `SELECT
	coalesce((SELECT json_agg(to_jsonb(i) || jsonb_build_object('variants', coalesce((SELECT json_agg(json_build_object(
			'width', v.width, 'height', v.height, 'key', v.object_key) ORDER BY v.width)
			FROM listing_image_variants v WHERE v.image_id = i.id), '[]')) ORDER BY i.listing_id, i.position)
		FROM listing_images i WHERE i.listing_id = ANY($1::bigint[])), '[]') AS images,
	coalesce((SELECT json_agg(d ORDER BY d.listing_id, d.id) FROM listing_documents d WHERE d.listing_id = ANY($1::bigint[])), '[]') AS documents`

// media reads the images and documents of listings ids in one round trip.
func media(ctx context.Context, q queryer, ids []int64) (map[int64][]catalog.Image, map[int64][]catalog.Document, error) {
	var rawImages, rawDocs []byte
	if err := q.QueryRowxContext(ctx, mediaQuery, pq.Array(ids)).Scan(&rawImages, &rawDocs); err != nil {
		return nil, nil, translate(err)
	}
	var imgs []imageJSON
	var docs []documentJSON
	if err := json.Unmarshal(rawImages, &imgs); err != nil {
		return nil, nil, fmt.Errorf("postgres: decode images: %w", err)
	}
	if err := json.Unmarshal(rawDocs, &docs); err != nil {
		return nil, nil, fmt.Errorf("postgres: decode documents: %w", err)
	}
	outI, outD := map[int64][]catalog.Image{}, map[int64][]catalog.Document{}
	for _, r := range imgs {
		outI[r.ListingID] = append(outI[r.ListingID], r.image())
	}
	for _, r := range docs {
		outD[r.ListingID] = append(outD[r.ListingID], r.document())
	}
	return outI, outD, nil
}

// attachMedia fills the Images and Documents of ls with one statement for all of them.
func attachMedia(ctx context.Context, q queryer, ls []catalog.Listing) error {
	if len(ls) == 0 {
		return nil
	}
	ids := make([]int64, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	imgs, docs, err := media(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range ls {
		ls[i].Images, ls[i].Documents = imgs[ls[i].ID], docs[ls[i].ID]
	}
	return nil
}

// Images implements catalog.MediaStore.
func (s *CatalogStore) Images(ctx context.Context, listingID int64) ([]catalog.Image, error) {
	imgs, _, err := media(ctx, s.q, []int64{listingID})
	return imgs[listingID], err
}

// Documents implements catalog.MediaStore.
func (s *CatalogStore) Documents(ctx context.Context, listingID int64) ([]catalog.Document, error) {
	_, docs, err := media(ctx, s.q, []int64{listingID})
	return docs[listingID], err
}

// CreateImage implements catalog.MediaStore.
func (s *CatalogStore) CreateImage(ctx context.Context, img *catalog.Image) error {
	const ins = `INSERT INTO listing_images (listing_id, position, alt_ru, alt_kk, alt_en, width, height)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`
	const insVariant = `INSERT INTO listing_image_variants (image_id, width, height, object_key) VALUES ($1, $2, $3, $4)`
	var (
		id      int64
		created time.Time
	)
	err := inTx(ctx, s.db, s.q, func(tx queryer) error {
		if err := tx.QueryRowxContext(ctx, ins, img.ListingID, img.Position, img.Alt.RU, img.Alt.KK, img.Alt.EN, img.Width, img.Height).Scan(&id, &created); err != nil {
			return translateMedia(err)
		}
		for _, v := range img.Variants {
			if _, err := tx.ExecContext(ctx, insVariant, id, v.Width, v.Height, v.Key); err != nil {
				return translateMedia(err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	img.ID, img.CreatedAt = id, created.UTC()
	return nil
}

func translateMedia(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23503" {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such listing", Err: err}
	}
	return translate(err)
}

// SetImageAlt implements catalog.MediaStore.
func (s *CatalogStore) SetImageAlt(ctx context.Context, listingID, imageID int64, alt accounts.Text) error {
	const q = `UPDATE listing_images SET alt_ru = $3, alt_kk = $4, alt_en = $5 WHERE id = $2 AND listing_id = $1`
	res, err := s.q.ExecContext(ctx, q, listingID, imageID, alt.RU, alt.KK, alt.EN)
	return affected(res, err, "no such image")
}

func affected(res sql.Result, err error, notFound string) error {
	if err != nil {
		return translate(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(err)
	} else if n == 0 {
		return &accounts.Error{Code: accounts.CodeNotFound, Message: notFound}
	}
	return nil
}

// SetImagePositions implements catalog.MediaStore. The position constraint is deferred
// to the commit, so positions may swap within the statement's transaction.
func (s *CatalogStore) SetImagePositions(ctx context.Context, listingID int64, ids []int64) error {
	const q = `UPDATE listing_images i SET position = o.ord - 1
		FROM unnest($2::bigint[]) WITH ORDINALITY AS o(id, ord)
		WHERE i.id = o.id AND i.listing_id = $1`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		_, err := tx.ExecContext(ctx, q, listingID, pq.Array(ids))
		return translate(err)
	})
}

// DeleteImage implements catalog.MediaStore.
func (s *CatalogStore) DeleteImage(ctx context.Context, listingID, imageID int64, now time.Time) error {
	const keysQ = `SELECT v.object_key FROM listing_image_variants v JOIN listing_images i ON i.id = v.image_id
		WHERE i.id = $2 AND i.listing_id = $1`
	const del = `DELETE FROM listing_images WHERE id = $2 AND listing_id = $1 RETURNING position`
	const shift = `UPDATE listing_images SET position = position - 1 WHERE listing_id = $1 AND position > $2`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		var keys []string
		if err := tx.SelectContext(ctx, &keys, keysQ, listingID, imageID); err != nil {
			return translate(err)
		}
		var pos int
		if err := tx.QueryRowxContext(ctx, del, listingID, imageID).Scan(&pos); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such image"}
			}
			return translate(err)
		}
		if _, err := tx.ExecContext(ctx, shift, listingID, pos); err != nil {
			return translate(err)
		}
		return queueKeys(ctx, tx, keys, now)
	})
}

// CreateDocument implements catalog.MediaStore.
func (s *CatalogStore) CreateDocument(ctx context.Context, d *catalog.Document) error {
	const ins = `INSERT INTO listing_documents (listing_id, title_ru, title_kk, title_en, file_name, object_key, size_bytes)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`
	var created time.Time
	if err := s.q.QueryRowxContext(ctx, ins, d.ListingID, d.Title.RU, d.Title.KK, d.Title.EN, d.FileName, d.Key, d.SizeBytes).Scan(&d.ID, &created); err != nil {
		return translateMedia(err)
	}
	d.CreatedAt = created.UTC()
	return nil
}

// DeleteDocument implements catalog.MediaStore.
func (s *CatalogStore) DeleteDocument(ctx context.Context, listingID, documentID int64, now time.Time) error {
	const del = `DELETE FROM listing_documents WHERE id = $2 AND listing_id = $1 RETURNING object_key`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		var key string
		if err := tx.QueryRowxContext(ctx, del, listingID, documentID).Scan(&key); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return &accounts.Error{Code: accounts.CodeNotFound, Message: "no such document"}
			}
			return translate(err)
		}
		return queueKeys(ctx, tx, []string{key}, now)
	})
}

// DeleteListing implements catalog.MediaStore. The listing's row is locked before its keys
// are read: an upload inserting images into it either committed before (its keys are read
// and queued) or waits and then finds the listing gone (and fails, leaving its guarded
// objects to the deletion job). Without the lock the cascade could remove rows whose keys
// were never queued.
func (s *CatalogStore) DeleteListing(ctx context.Context, id int64, expectedVersion int, now time.Time) error {
	const lock = `SELECT version FROM listings WHERE id = $1 FOR UPDATE`
	const keysQ = `SELECT v.object_key FROM listing_image_variants v JOIN listing_images i ON i.id = v.image_id WHERE i.listing_id = $1
		UNION SELECT object_key FROM listing_documents WHERE listing_id = $1`
	const del = `DELETE FROM listings WHERE id = $1`
	return inTx(ctx, s.db, s.q, func(tx queryer) error {
		var v int
		if err := tx.GetContext(ctx, &v, lock, id); err != nil {
			return translate(err)
		}
		if v != expectedVersion {
			return &accounts.Error{Code: accounts.CodeConflict, Message: "the listing was changed since it was loaded",
				Fields: map[string]string{"version": fmt.Sprintf("the current version is %d", v)}}
		}
		var keys []string
		if err := tx.SelectContext(ctx, &keys, keysQ, id); err != nil {
			return translate(err)
		}
		if _, err := tx.ExecContext(ctx, del, id); err != nil {
			return translate(err)
		}
		return queueKeys(ctx, tx, keys, now)
	})
}

// MediaFileName implements catalog.MediaStore.
func (s *CatalogStore) MediaFileName(ctx context.Context, key string) (string, error) {
	const q = `SELECT coalesce((SELECT file_name FROM listing_documents WHERE object_key = $1 ORDER BY id DESC LIMIT 1),
			CASE WHEN EXISTS (SELECT 1 FROM listing_image_variants WHERE object_key = $1) THEN '' END)`
	var name sql.NullString
	if err := s.q.GetContext(ctx, &name, q, key); err != nil {
		return "", translate(err)
	}
	if !name.Valid {
		return "", &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return name.String, nil
}

// DeletionQueue implements catalog.DeletionQueue on object_deletions.
type DeletionQueue struct{ db *sqlx.DB }

// NewDeletionQueue returns the queue on db.
func NewDeletionQueue(db *DB) *DeletionQueue { return &DeletionQueue{db: db.DB} }

var _ catalog.DeletionQueue = (*DeletionQueue)(nil)

// DeleteDue implements catalog.DeletionQueue. Claiming sets a lease, so that concurrent
// workers take different keys and a worker that dies loses its keys when the lease ends.
// Each key is then handled in its own transaction that holds the entry's row lock while
// it checks the references and removes the object (see the comment at the top).
func (q *DeletionQueue) DeleteDue(ctx context.Context, now time.Time, limit, maxAttempts int, lease time.Duration,
	remove func(context.Context, string) error, retryDelay func(int) time.Duration) (int, []catalog.DeletionFailure, error) {
	const claim = `UPDATE object_deletions SET locked_until = $3
		WHERE object_key IN (SELECT object_key FROM object_deletions
			WHERE not_before <= $1 AND attempts < $4 AND (locked_until IS NULL OR locked_until <= $1)
			ORDER BY not_before, object_key LIMIT $2 FOR UPDATE SKIP LOCKED)
		RETURNING object_key`
	const lock = `SELECT attempts FROM object_deletions WHERE object_key = $1 AND not_before <= $2 FOR UPDATE`
	const referenced = `SELECT EXISTS (SELECT 1 FROM listing_image_variants WHERE object_key = $1)
		OR EXISTS (SELECT 1 FROM listing_documents WHERE object_key = $1)
		OR EXISTS (SELECT 1 FROM order_attachments WHERE object_key = $1)
		OR EXISTS (SELECT 1 FROM order_attachments WHERE thumb_key = $1)`
	const done = `DELETE FROM object_deletions WHERE object_key = $1`
	const failed = `UPDATE object_deletions SET attempts = attempts + 1, last_error = $2, locked_until = NULL,
		not_before = greatest(not_before, $3) WHERE object_key = $1 RETURNING attempts`
	var keys []string
	if err := q.db.SelectContext(ctx, &keys, claim, now.UTC(), limit, now.Add(lease).UTC(), maxAttempts); err != nil {
		return 0, nil, translate(err)
	}
	var failures []catalog.DeletionFailure
	record := context.WithoutCancel(ctx)
	n := 0
	for _, key := range keys {
		if ctx.Err() != nil {
			break
		}
		var removeErr error
		removed := false
		err := inTx(ctx, q.db, q.db, func(tx queryer) error {
			var attempts int
			if err := tx.GetContext(ctx, &attempts, lock, key, now.UTC()); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return nil // an upload guarded it again meanwhile
				}
				return translate(err)
			}
			var ref bool
			if err := tx.GetContext(ctx, &ref, referenced, key); err != nil {
				return translate(err)
			}
			if !ref {
				if removeErr = remove(ctx, key); removeErr != nil {
					return nil
				}
				removed = true
			}
			_, err := tx.ExecContext(ctx, done, key)
			return translate(err)
		})
		if err != nil {
			return n, failures, err
		}
		if removeErr != nil {
			var de *accounts.Error
			msg := removeErr.Error()
			if errors.As(removeErr, &de) && de.Err != nil {
				msg = de.Err.Error()
			}
			if len(msg) > 500 {
				msg = msg[:500]
			}
			var attempts int
			_ = q.db.GetContext(record, &attempts, `SELECT attempts FROM object_deletions WHERE object_key = $1`, key)
			err := q.db.GetContext(record, &attempts, failed, key, msg, now.Add(retryDelay(attempts+1)).UTC())
			if errors.Is(err, sql.ErrNoRows) {
				continue // an upload took the key back meanwhile: nothing to retry
			}
			if err != nil {
				return n, failures, translate(err)
			}
			failures = append(failures, catalog.DeletionFailure{Key: key, Attempts: attempts, Err: removeErr})
			continue
		}
		if removed {
			n++
		}
	}
	return n, failures, nil
}

// StuckDeletions implements catalog.DeletionQueue. An operator retries them with
// `UPDATE object_deletions SET attempts = 0 WHERE attempts >= 20` (catalog.DeletionMaxAttempts)
// once the cause is fixed.
func (q *DeletionQueue) StuckDeletions(ctx context.Context, maxAttempts int) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM object_deletions WHERE attempts >= $1`, maxAttempts)
	return n, translate(err)
}

// Pending returns the keys in the deletion queue, for tests and operators.
func (q *DeletionQueue) Pending(ctx context.Context) ([]string, error) {
	var keys []string
	err := q.db.SelectContext(ctx, &keys, `SELECT object_key FROM object_deletions ORDER BY object_key`)
	return keys, translate(err)
}
