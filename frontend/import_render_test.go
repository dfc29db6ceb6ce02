package frontend

import (
	"github.com/sheber-kz/sheber/accounts"
	"github.com/sheber-kz/sheber/catalog"
)

// sampleImportPages are the import page before a file, after an import, after a dry run,
// with refused rows (more than are listed) and with a refused request.
func sampleImportPages() []any {
	org := accounts.Organization{ID: 9, Kind: accounts.KindProducerEnterprise, Name: accounts.Text{RU: "РГП «Шеберхана»", KK: "«Шеберхана» РМК", EN: "Sheberkhana"}}
	base := importPage{Org: org, Columns: catalog.ImportColumns}
	done, dry, refused, request := base, base, base, base
	done.Report = &catalog.ImportReport{Created: 12, Updated: 3, Unchanged: 185}
	dry.DryRun, dry.Report = true, &catalog.ImportReport{Created: 2, DryRun: true}
	refused.Report = &catalog.ImportReport{TotalErrors: 1500, Errors: []catalog.ImportError{{Row: 3, Column: "price", Message: "not a price"}, {Row: 7, Message: "the row has 3 fields, the header 4"}}}
	request.Refused = "send the file as multipart/form-data"
	return []any{base, done, dry, refused, request}
}
