package orders

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sheber-kz/sheber/accounts"
)

// NotificationKind says what a notification is about.
type NotificationKind string

// Notification kinds: to producers on new and changed fulfillment orders, to buyers on the
// producer's acceptance with its promise, on shipment and on delay, and within a buyer
// organization on approvals.
const (
	NotifyApprovalNeeded  NotificationKind = "approval_needed"  // to approvers
	NotifyReturned        NotificationKind = "returned"         // to requesters: the approver returned the order
	NotifyNewFulfillment  NotificationKind = "new_fulfillment"  // to producers: routed to one of their sites
	NotifyConfirmed       NotificationKind = "confirmed"        // to buyers: accepted with a promised date
	NotifyShipped         NotificationKind = "shipped"          // to buyers
	NotifyDelivered       NotificationKind = "delivered"        // to producers: the buyer recorded the delivery
	NotifyAccepted        NotificationKind = "accepted"         // to producers: the buyer's acceptance (maybe with rejects)
	NotifyCancelRequested NotificationKind = "cancel_requested" // to the other side
	NotifyCancelled       NotificationKind = "cancelled"        // to the other side
	NotifyReturnedToBuyer NotificationKind = "returned_to_buyer"
	NotifyDelayed         NotificationKind = "delayed" // to buyers: the promised date passed before shipment
)

// Notification is an in-app notice to one user; its e-mail is queued with it.
type Notification struct {
	ID            int64
	UserID        int64
	OrgID         int64
	Kind          NotificationKind
	OrderID       int64
	OrderNumber   string
	FulfillmentID int64
	Note          string // a reason or a waybill, as the kind says
	CreatedAt     time.Time
	ReadAt        time.Time // zero while unread
	// Email, if set, is where its e-mail goes; Subject and Body are that e-mail.
	Email         string
	Subject, Body string
}

// notificationText is what each kind says, in ru, kk and en; %s is the order number.
var notificationText = map[NotificationKind]accounts.Text{
	NotifyApprovalNeeded:  {RU: "Заказ %s ждёт вашего согласования", KK: "%s тапсырысы сіздің келісіміңізді күтуде", EN: "Order %s is waiting for your approval"},
	NotifyReturned:        {RU: "Заказ %s возвращён на доработку", KK: "%s тапсырысы пысықтауға қайтарылды", EN: "Order %s was returned for changes"},
	NotifyNewFulfillment:  {RU: "Новый заказ %s на вашем участке", KK: "Сіздің учаскеңізде жаңа %s тапсырысы", EN: "New order %s for your site"},
	NotifyConfirmed:       {RU: "Заказ %s принят производителем, срок назначен", KK: "%s тапсырысын өндіруші қабылдады, мерзімі белгіленді", EN: "Order %s was accepted by the producer with a promised date"},
	NotifyShipped:         {RU: "Заказ %s отгружен", KK: "%s тапсырысы жөнелтілді", EN: "Order %s was shipped"},
	NotifyDelivered:       {RU: "Заказ %s доставлен покупателю", KK: "%s тапсырысы сатып алушыға жеткізілді", EN: "Order %s was delivered to the buyer"},
	NotifyAccepted:        {RU: "Покупатель провёл приёмку по заказу %s", KK: "Сатып алушы %s тапсырысы бойынша қабылдау жүргізді", EN: "The buyer recorded acceptance of order %s"},
	NotifyCancelRequested: {RU: "Запрошена отмена заказа %s", KK: "%s тапсырысының күшін жою сұралды", EN: "Cancellation of order %s was requested"},
	NotifyCancelled:       {RU: "Заказ %s отменён", KK: "%s тапсырысының күші жойылды", EN: "Order %s was cancelled"},
	NotifyReturnedToBuyer: {RU: "Заказ %s не удалось разместить: ни один участок не может его принять", KK: "%s тапсырысын орналастыру мүмкін болмады: оны бірде-бір учаске қабылдай алмайды", EN: "Order %s could not be placed: no site can take it"},
	NotifyDelayed:         {RU: "Срок по заказу %s прошёл, а отгрузки нет", KK: "%s тапсырысы бойынша мерзім өтті, жөнелту жоқ", EN: "The promised date of order %s passed without a shipment"},
	NotifyRequestInvited:  {RU: "Вас приглашают дать предложение по заявке %s", KK: "Сізді %s өтінімі бойынша ұсыныс беруге шақырады", EN: "You are invited to quote for custom request %s"},
	NotifyQuoteReceived:   {RU: "Получено предложение по заявке %s", KK: "%s өтінімі бойынша ұсыныс түсті", EN: "A quote arrived for custom request %s"},
	NotifyInvoiceRecorded: {RU: "Покупатель зарегистрировал счёт по заказу %s", KK: "Сатып алушы %s тапсырысы бойынша шотты тіркеді", EN: "The buyer recorded an invoice for order %s"},
	NotifyPaymentRecorded: {RU: "Покупатель зарегистрировал оплату по заказу %s", KK: "Сатып алушы %s тапсырысы бойынша төлемді тіркеді", EN: "The buyer recorded a payment for order %s"},
}

// Text returns what the notification says in lang.
func (n Notification) Text(lang string) string {
	t, ok := notificationText[n.Kind]
	if !ok {
		return n.OrderNumber
	}
	return fmt.Sprintf(t.In(lang), n.OrderNumber)
}

// notifyOrg notifies the members of org holding one of roles about order o (and
// fulfillment f, if any), with an e-mail each, in tx.
func (s *Service) notifyOrg(ctx context.Context, tx Store, org int64, roles []accounts.Role, kind NotificationKind, o *Order, f *Fulfillment, note string) error {
	users, err := tx.Members(ctx, org, roles)
	if err != nil {
		return err
	}
	return s.notifyMembers(ctx, tx, users, org, kind, o, f, note)
}

// notifyMembers is notifyOrg to the members users of org, read before.
func (s *Service) notifyMembers(ctx context.Context, tx Store, users []Recipient, org int64, kind NotificationKind, o *Order, f *Fulfillment, note string) error {
	if len(users) == 0 {
		return nil
	}
	n := Notification{OrgID: org, Kind: kind, OrderID: o.ID, OrderNumber: o.Number, Note: note, CreatedAt: s.now()}
	link := strings.TrimSuffix(s.PublicURL, "/") + "/cabinet/orders/" + fmt.Sprint(o.ID)
	if f != nil {
		n.FulfillmentID = f.ID
		if org == f.EnterpriseID {
			link = strings.TrimSuffix(s.PublicURL, "/") + "/cabinet/queue/" + fmt.Sprint(f.ID)
		}
	}
	ns := make([]Notification, 0, len(users))
	for _, u := range users {
		m := n
		m.UserID, m.Email = u.UserID, u.Email
		m.Subject = "Sheber: " + m.Text("ru")
		m.Body = emailBody(m, link)
		ns = append(ns, m)
	}
	return tx.Notify(ctx, ns)
}

// emailBody is a notification's e-mail: the notice in Russian, Kazakh and English, the
// note, and the link to the order.
func emailBody(n Notification, link string) string {
	var b strings.Builder
	for _, lang := range []string{"ru", "kk", "en"} {
		b.WriteString(n.Text(lang))
		b.WriteString("\n")
	}
	if n.Note != "" {
		b.WriteString("\n")
		b.WriteString(n.Note)
		b.WriteString("\n")
	}
	b.WriteString("\n")
	b.WriteString(link)
	b.WriteString("\n")
	return b.String()
}

// Limits of notifications.
const (
	// MaxNotificationsPage is the most notifications one page lists.
	MaxNotificationsPage = 100
	// DelayBatch is how many overdue fulfillment orders one round of NotifyDelays takes.
	DelayBatch = 100
)

// Notifications returns the actor's notifications, newest first.
func (s *Service) Notifications(ctx context.Context, a accounts.Actor, before int64, limit int) ([]Notification, error) {
	if a.UserID == 0 {
		return nil, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	if limit <= 0 || limit > MaxNotificationsPage {
		limit = MaxNotificationsPage
	}
	return s.Store.Notifications(ctx, a.UserID, before, limit)
}

// UnreadCount counts the actor's unread notifications.
func (s *Service) UnreadCount(ctx context.Context, a accounts.Actor) (int, error) {
	if a.UserID == 0 {
		return 0, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	return s.Store.UnreadCount(ctx, a.UserID)
}

// MarkRead marks the actor's notifications ids read (nil: all of them).
func (s *Service) MarkRead(ctx context.Context, a accounts.Actor, ids []int64) (int64, error) {
	if a.UserID == 0 {
		return 0, &accounts.Error{Code: accounts.CodeUnauthenticated, Message: "sign in first"}
	}
	if len(ids) > MaxNotificationsPage {
		return 0, &accounts.Error{Code: accounts.CodeInvalid, Message: "validation failed",
			Fields: map[string]string{"ids": fmt.Sprintf("at most %d at once", MaxNotificationsPage)}}
	}
	return s.Store.MarkRead(ctx, a.UserID, ids, s.now())
}

// NotifyDelays tells buyers, once per fulfillment order, that its promised date passed
// without every unit shipped; `sheber worker` runs it. It returns how many it notified.
func (s *Service) NotifyDelays(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.InTx(ctx, func(tx Store) error {
		today := Today(s.now())
		fs, err := tx.Overdue(ctx, today, DelayBatch)
		if err != nil {
			return err
		}
		for i := range fs {
			f := &fs[i]
			o := &Order{ID: f.OrderID, Number: f.OrderNumber}
			if err := s.notifyOrg(ctx, tx, f.BuyerOrgID, buyerRoles, NotifyDelayed, o, f, f.PromisedDate.String()); err != nil {
				return err
			}
			if err := tx.SetDelayNotified(ctx, f.ID, today); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
