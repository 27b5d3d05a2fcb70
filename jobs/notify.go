package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/notify"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

// Job kinds of delivery in river_job.
const (
	NotifyDispatchKind = "soroe_notify_dispatch"
	DeliverKind        = "soroe_deliver"
)

// NotifyConfig turns delivery to the organizations' webhooks on: a
// dispatcher turns each queued notification event into one delivery job
// per webhook that wants it, and each delivery job posts one message,
// retried with backoff. Failures are recorded on the webhook (its last
// status and error, for managers) and, after store.WarnAfterFailures in a
// row, managers and owners get one in-app notification per webhook until
// a delivery succeeds again.
type NotifyConfig struct {
	// Sender posts messages; nil means deliver.New(deliver.OptionsFromEnv()).
	Sender deliver.Sender
	// BaseURL is the server's public URL, for the links in messages.
	BaseURL string
	// Every is how often queued events are looked for (default 5 s).
	Every time.Duration
	// Batch bounds the events one dispatch handles (default 200).
	Batch int
	// MaxAttempts bounds the tries of one delivery (default 10: with the
	// default backoff, about 1.4 hours in all).
	MaxAttempts int
	// Backoff is the wait before retry n (n ≥ 1); DeliverBackoff when nil.
	Backoff func(attempt int) time.Duration
	// Catalog renders the messages; i18n.Default() when nil.
	Catalog *i18n.Catalog
	// Box opens webhook URLs and secrets sealed with SOROE_SECRET_KEY.
	Box *secretbox.Box
}

const (
	defaultNotifyEvery    = 5 * time.Second
	defaultNotifyBatch    = 200
	defaultDeliverTries   = 10
	deliverTimeout        = 30 * time.Second
	deliverBackoffBase    = 10 * time.Second
	deliverBackoffCeiling = time.Hour
)

// DeliverBackoff is the wait before a delivery's retry: 10 s after the
// first failure, doubling, at most an hour.
func DeliverBackoff(attempt int) time.Duration {
	d := deliverBackoffBase
	for i := 1; i < attempt && d < deliverBackoffCeiling; i++ {
		d *= 2
	}
	return min(d, deliverBackoffCeiling)
}

func (c *NotifyConfig) sender() deliver.Sender {
	if c.Sender == nil {
		c.Sender = deliver.New(deliver.OptionsFromEnv())
	}
	return c.Sender
}

// NotifyDispatchArgs are the (empty) arguments of the periodic dispatcher.
type NotifyDispatchArgs struct{}

// Kind implements river.JobArgs.
func (NotifyDispatchArgs) Kind() string { return NotifyDispatchKind }

// DeliverArgs are the arguments of the job that sends one message to one
// webhook. DeliveryID names the delivery (unique: a second job with the
// same ID is not inserted) and is sent to generic webhooks as
// X-Soroe-Delivery.
type DeliverArgs struct {
	OrgID      int64           `json:"org_id"`
	WebhookID  int64           `json:"webhook_id"`
	DeliveryID string          `json:"delivery_id" river:"unique"`
	Message    deliver.Message `json:"message"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return DeliverKind }

// Inserter is what Deliver needs of River: Client and *Runner have it.
type Inserter interface {
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Deliver queues m for every webhook of m.OrgID that wants m.Event, one
// job each named "<key>-w<webhook ID>" (a second call with the same key
// queues nothing new). This is how report delivery (issue 10) sends a
// report: m.Event soroe.EventReport, key e.g. "report-<report ID>".
// It returns how many webhooks the message was queued for.
func Deliver(ctx context.Context, db *store.DB, c Inserter, key string, m deliver.Message) (int, error) {
	hooks, err := db.Webhooks(ctx, m.OrgID)
	if err != nil {
		return 0, err
	}
	m.Attachment = nil // webhooks carry the link; attachments are for email
	var params []river.InsertManyParams
	for _, h := range hooks {
		if h.Wants(m.Event) {
			params = append(params, river.InsertManyParams{Args: DeliverArgs{OrgID: m.OrgID, WebhookID: h.ID,
				DeliveryID: fmt.Sprintf("%s-w%d", key, h.ID), Message: m}, InsertOpts: deliverInsertOpts(0)})
		}
	}
	if len(params) == 0 {
		return 0, nil
	}
	if _, err := c.InsertMany(ctx, params); err != nil {
		return 0, err
	}
	return len(params), nil
}

func deliverInsertOpts(maxAttempts int) *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: cmp.Or(maxAttempts, defaultDeliverTries), UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// notifyJobs schedules the dispatcher, unique per period, when delivery
// is on.
func notifyJobs(c *NotifyConfig) []*river.PeriodicJob {
	if c == nil {
		return nil
	}
	every := cmp.Or(c.Every, defaultNotifyEvery)
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return NotifyDispatchArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(every, time.Second)}}
		},
		&river.PeriodicJobOpts{ID: NotifyDispatchKind, RunOnStart: true})}
}

// addNotifyWorkers registers the dispatcher and the delivery worker. The
// delivery worker is registered even when delivery is off here, so that
// a report's delivery jobs inserted by another instance are worked (they
// use the production sender).
func addNotifyWorkers(w *river.Workers, r *Runner) {
	c := r.notify
	if c == nil {
		c = &NotifyConfig{}
	}
	river.AddWorker(w, &notifyDispatchWorker{r: r, db: r.db, c: c, log: r.log})
	river.AddWorker(w, &deliverWorker{db: r.db, c: c, log: r.log})
}

type notifyDispatchWorker struct {
	river.WorkerDefaults[NotifyDispatchArgs]
	r   *Runner
	db  *store.DB
	c   *NotifyConfig
	log *slog.Logger
}

// Work turns queued events into delivery jobs, then forgets the events.
// Delivery jobs are unique per event and webhook, so a dispatch that dies
// between the two steps queues no second message next time.
func (w *notifyDispatchWorker) Work(ctx context.Context, _ *river.Job[NotifyDispatchArgs]) error {
	events, err := w.db.NotifyEvents(ctx, cmp.Or(w.c.Batch, defaultNotifyBatch))
	if err != nil || len(events) == 0 {
		return err
	}
	cat := cmp.Or(w.c.Catalog, i18n.Default())
	orgs := map[int64]*soroe.Org{}
	var done []int64
	var errs []error
	for _, e := range events {
		org, ok := orgs[e.OrgID]
		if !ok {
			org, err = w.db.Org(ctx, e.OrgID)
			if errors.Is(err, soroe.ErrNotFound) {
				done = append(done, e.ID)
				continue
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			orgs[e.OrgID] = org
		}
		m := notify.Message(cat, org, w.c.BaseURL, e)
		// The key names the event; its time too, as SQLite may give a
		// later event the ID of one deleted.
		key := fmt.Sprintf("n%d-%d", e.ID, e.CreatedAt.UnixMicro())
		if _, err := Deliver(ctx, w.db, w.r.client, key, m); err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, e.ID)
	}
	if err := w.db.DeleteNotifyEvents(ctx, done...); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		w.log.WarnContext(ctx, "notify: dispatch", "err", err)
		return err
	}
	return nil
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	db  *store.DB
	c   *NotifyConfig
	log *slog.Logger
}

func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return deliverTimeout }

// NextRetry waits DeliverBackoff (or the configured backoff) after each
// failure.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	b := w.c.Backoff
	if b == nil {
		b = DeliverBackoff
	}
	return time.Now().Add(b(job.Attempt))
}

// Work sends the message and records how it went. A webhook deleted or
// disabled since, or a failure that retrying cannot mend (a 4xx, an
// address the guard refuses), ends the job; other failures are retried.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	a := job.Args
	hook, err := w.db.Webhook(ctx, a.OrgID, a.WebhookID)
	if errors.Is(err, soroe.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if !hook.Enabled && a.Message.Event != soroe.EventTest {
		return river.JobCancel(errors.New("webhook disabled"))
	}
	d, sendErr := notify.Destination(w.c.Box, hook)
	d.ID = a.DeliveryID
	if sendErr == nil {
		sendErr = w.c.sender().Send(ctx, d, a.Message)
	}
	if err := notify.RecordDelivery(ctx, w.db, hook, sendErr); err != nil {
		w.log.WarnContext(ctx, "notify: record delivery", "webhook", hook.ID, "err", err)
	}
	switch {
	case sendErr == nil:
		return nil
	case deliver.Permanent(sendErr), errors.Is(sendErr, notify.ErrSealed):
		return river.JobCancel(sendErr)
	}
	return sendErr
}
