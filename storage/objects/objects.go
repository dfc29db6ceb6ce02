// Package objects stores files (product images, documents) in an S3-compatible object
// store with minio-go: MinIO here and in compose, any S3 service in production.
package objects

import (
	"bytes"
	"context"
	"fmt"
	"net/url"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// Config says where the object store is.
type Config struct {
	Endpoint  string // http(s)://host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
}

// Store is a bucket in an object store.
type Store struct {
	client *minio.Client
	bucket string
	region string
}

// Open connects to the object store. It does not touch the network; EnsureBucket does.
func Open(cfg Config) (*Store, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("objects: endpoint %q must be http(s)://host:port, with no path", cfg.Endpoint)
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("objects: %w", err)
	}
	return &Store{client: c, bucket: cfg.Bucket, region: cfg.Region}, nil
}

// Bucket is the bucket this store writes to.
func (s *Store) Bucket() string { return s.bucket }

// Client returns the underlying client, for tests.
func (s *Store) Client() *minio.Client { return s.client }

// EnsureBucket creates the bucket if it does not exist yet; safe to call from several
// processes at once.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("objects: %w", err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region})
	if err != nil {
		if resp := minio.ToErrorResponse(err); resp.Code == "BucketAlreadyOwnedByYou" || resp.Code == "BucketAlreadyExists" {
			return nil
		}
		return fmt.Errorf("objects: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Ping checks that the object store answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("objects: bucket %s does not exist", s.bucket)
	}
	return nil
}

var _ catalog.Objects = (*Store)(nil)

// Put implements catalog.Objects.
func (s *Store) Put(ctx context.Context, key string, data []byte, contentType string) error {
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: contentType, SendContentMd5: true})
	if err != nil {
		return &accounts.Error{Code: accounts.CodeUnavailable, Message: "the file store is unavailable", Err: fmt.Errorf("objects: put %s: %w", key, err)}
	}
	return nil
}

// Get implements catalog.Objects. The object's size comes from a stat, which also tells
// a missing object apart before anything is sent.
func (s *Store) Get(ctx context.Context, key string) (catalog.Object, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		var st minio.ObjectInfo
		if st, err = obj.Stat(); err == nil {
			return catalog.Object{Body: obj, Size: st.Size}, nil
		}
		obj.Close()
	}
	if resp := minio.ToErrorResponse(err); resp.Code == "NoSuchKey" {
		return catalog.Object{}, &accounts.Error{Code: accounts.CodeNotFound, Message: "not found"}
	}
	return catalog.Object{}, &accounts.Error{Code: accounts.CodeUnavailable, Message: "the file store is unavailable", Err: fmt.Errorf("objects: get %s: %w", key, err)}
}

// Remove implements catalog.Objects; S3 answers a delete of a missing key with success.
func (s *Store) Remove(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return &accounts.Error{Code: accounts.CodeUnavailable, Message: "the file store is unavailable", Err: fmt.Errorf("objects: remove %s: %w", key, err)}
	}
	return nil
}

// Exists reports whether an object is stored at key, for tests and operators.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if resp := minio.ToErrorResponse(err); resp.Code == "NoSuchKey" {
		return false, nil
	}
	return false, err
}
