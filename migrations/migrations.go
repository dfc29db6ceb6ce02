// Package migrations embeds the SQL migrations that goose applies, in file-name order.
//
// Rules: migrations are forward-only in practice (each has a Down for development, but an
// applied migration is never edited; a change is a new file), every file has a comment
// saying what it is for, and a migration never depends on application code.
package migrations

import "embed"

// FS holds every *.sql migration.
//
//go:embed *.sql
var FS embed.FS
