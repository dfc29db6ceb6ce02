package pdf

import (
	"fmt"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// kazakhLetters are the letters of the Kazakh alphabet that Russian lacks, capital and
// small.
const kazakhLetters = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"

// bin returns a valid BIN that starts with the eleven digits of prefix.
func bin(prefix string) string {
	d, ok := accounts.BINCheckDigit(prefix)
	if !ok {
		panic("no check digit for " + prefix)
	}
	return prefix + string(rune('0'+d))
}

var (
	buyerBIN    = bin("05014000123")
	producerBIN = bin("01054710130")
	// issued is 2026-12-03 20:30 UTC: already 4 December in Almaty (UTC+5).
	issued = time.Date(2026, 12, 3, 20, 30, 0, 0, time.UTC)
)

// sampleOrder is an order confirmation in lang with n lines; line 1 has every Kazakh
// letter in its title.
func sampleOrder(lang string, n int) OrderConfirmation {
	o := OrderConfirmation{
		Lang:     lang,
		Number:   "SH-2026-000042",
		IssuedAt: issued,
		Buyer: Party{Name: "КГУ «Шаңырақ» мектеп-гимназиясы № 7", BIN: buyerBIN,
			Address: "Өскемен қ., Қазақстан көшесі, 12", Region: "Шығыс Қазақстан облысы"},
		Producer: Party{Name: "РГП на ПХВ «Шеберхана-Шығыс»", BIN: producerBIN,
			Address: "г. Усть-Каменогорск, ул. Промышленная, 3", Region: "Восточно-Казахстанская область"},
		Site:             "Цех № 2, учреждение УК-161/16",
		DeliveryAddress:  "Өскемен қ., Қазақстан көшесі, 12, қойма",
		RequestedDate:    time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC),
		PromisedDate:     time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC),
		BudgetLine:       "02-071-011 — Оснащение школ мебелью",
		ProcurementRoute: "Прямой договор с предприятием уголовно-исполнительной системы",
		LegalBasis:       "Закон Республики Казахстан «О государственных закупках», статья 16, пункт 3, подпункт 25).",
	}
	for i := 0; i < n; i++ {
		title := fmt.Sprintf("Парта ученическая двухместная, ростовая группа %d", i%6+1)
		if i == 0 {
			title = "Ойын бұрышы «Шаңырақ» " + kazakhLetters
		}
		qty, price := int64(i%7+1), int64(1_234_567_89+i*100)
		o.Lines = append(o.Lines, Line{Title: title, Unit: "шт.", Quantity: qty, UnitPriceTiyn: price,
			AmountTiyn: qty * price, VATIncluded: i%2 == 0})
		o.TotalTiyn += qty * price
	}
	o.VATTiyn = o.TotalTiyn * 12 / 112
	return o
}

// sampleAct is an acceptance act in lang with n lines; line 1 has a rejected unit.
func sampleAct(lang string, n int) AcceptanceAct {
	a := AcceptanceAct{
		Lang:        lang,
		Number:      "SH-2026-000042-A1",
		OrderNumber: "SH-2026-000042",
		IssuedAt:    issued,
		Buyer: Party{Name: "КГУ «Шаңырақ» мектеп-гимназиясы № 7", BIN: buyerBIN,
			Address: "Өскемен қ., Қазақстан көшесі, 12", Region: "Шығыс Қазақстан облысы"},
		Producer: Party{Name: "РГП на ПХВ «Шеберхана-Шығыс»", BIN: producerBIN,
			Address: "г. Усть-Каменогорск, ул. Промышленная, 3"},
		Site:          "Цех № 2, учреждение УК-161/16",
		Waybills:      []string{"ТТН-000117", "ТТН-000118"},
		PromisedDate:  time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC),
		DeliveredDate: time.Date(2027, 1, 23, 5, 0, 0, 0, time.UTC),
		DaysOverdue:   3,
		PenaltyTiyn:   37_037_37,
	}
	for i := 0; i < n; i++ {
		l := ActLine{Title: fmt.Sprintf("Стул ученический, ростовая группа %d", i%6+1), Unit: "шт.",
			Shipped: int64(i%5 + 2), UnitPriceTiyn: 45_000_00}
		l.Accepted = l.Shipped
		if i == 0 {
			l.Title = "Ойын бұрышы " + kazakhLetters
			l.Accepted, l.Rejected = l.Shipped-1, 1
			l.DefectReason = "Царапина на крышке, скол кромки; үстелдің жиегі сынған"
		}
		l.AcceptedAmountTiyn = l.Accepted * l.UnitPriceTiyn
		a.TotalAcceptedTiyn += l.AcceptedAmountTiyn
		a.Lines = append(a.Lines, l)
	}
	return a
}
