package workflow

import (
	"context"
	"time"

	"leadcap/storage"
	"leadcap/syncer"
)

// The store is the relay's outbox.
var _ syncer.Outbox = (*storage.Store)(nil)

// DefaultSyncTimeout bounds an on-demand sync.
const DefaultSyncTimeout = 2 * time.Minute

// SyncOptions tune a sync. The zero value syncs with the CRM set up in the
// store, the secret from LEADCAP_CRM_SECRET and the defaults.
type SyncOptions struct {
	// Timeout bounds an on-demand sync (DefaultSyncTimeout when 0).
	Timeout time.Duration
	// Batch caps leads per push (0: the connector's maximum).
	Batch int
	// Workers is the number of pushes in flight (default 1).
	Workers int
	// Secret overrides LEADCAP_CRM_SECRET.
	Secret string
	// Env is where LEADCAP_CRM_SECRET is read (nil: the process's
	// environment).
	Env Env
	// OnProgress receives progress as plain values; see syncer.Progress.
	OnProgress func(syncer.Progress)
	// OnStatus receives the connection state of a background relay.
	OnStatus func(syncer.Status)
	// Connector replaces the one set up in the store (tests, benchmarks).
	Connector syncer.Connector
	// Relay is the base for the relay's options (clock, backoff bounds);
	// the fields above take precedence.
	Relay syncer.Options
	// Now stamps the last successful sync (see LastSynced); nil: time.Now.
	Now func() time.Time
}

// NewRelay builds the relay that drains the store's outbox into the CRM set
// up in the store. The app runs its Run in the background and calls Wake
// after saving a lead; SyncNow uses its SyncAll.
func NewRelay(s *storage.Store, opt SyncOptions) (*syncer.Relay, error) {
	c := opt.Connector
	ro := opt.Relay
	if c == nil {
		conn, lim, err := ConnectorFromStoreIn(opt.Env, s, opt.Secret)
		if err != nil {
			return nil, err
		}
		c = conn
		if ro.Limiter == nil {
			ro.Limiter = lim
		}
	}
	if opt.Batch > 0 {
		ro.Batch = opt.Batch
	}
	if opt.Workers > 0 {
		ro.Workers = opt.Workers
	}
	if opt.OnProgress != nil {
		ro.OnProgress = opt.OnProgress
	}
	if opt.OnStatus != nil {
		ro.OnStatus = opt.OnStatus
	}
	rememberRetryAfter(s, &ro)
	return syncer.NewRelay(s, c, ro), nil
}

// SettingRetryAfter is the store setting with the time (RFC 3339) until
// which the CRM asked to be sent nothing (its last Retry-After), so that
// the next sync, in the app or on the command line, honours it too.
const SettingRetryAfter = "sync.retry_after"

// rememberRetryAfter makes the relay start with the CRM's last Retry-After
// and note every new one in the store. A value more than a day ahead
// (a clock that jumped back) is not trusted.
func rememberRetryAfter(s *storage.Store, ro *syncer.Options) {
	now := time.Now
	if ro.Now != nil {
		now = ro.Now
	}
	if v, err := s.Setting(SettingRetryAfter); err == nil && v != "" && ro.NotBefore.IsZero() {
		if t, err := time.Parse(time.RFC3339, v); err == nil && t.Before(now().Add(24*time.Hour)) {
			ro.NotBefore = t
		}
	}
	next := ro.OnPause
	ro.OnPause = func(until time.Time) {
		// For the next run only: a failure to write it costs one refused
		// request, so it is not reported.
		_ = s.SetSetting(SettingRetryAfter, until.UTC().Format(time.RFC3339Nano))
		if next != nil {
			next(until)
		}
	}
}

// SyncNow delivers every pending lead to the CRM now, whatever its backoff
// (only the CRM's Retry-After holds), retrying failures within the run
// after short waits, until nothing is pending or the timeout passes. The
// timeout is a hard deadline: no request outlives it. The summary says
// what was synced, failed, refused (dead) and is still pending; the error is
// a sentence for the user (no CRM set up, no secret, credentials refused,
// CRM unreachable, cancelled).
func SyncNow(ctx context.Context, s *storage.Store, opt SyncOptions) (syncer.Summary, error) {
	r, err := NewRelay(s, opt)
	if err != nil {
		return syncer.Summary{}, err
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultSyncTimeout
	}
	sum, err := r.SyncAll(ctx, timeout)
	if sum.Done > 0 {
		now := time.Now
		if opt.Now != nil {
			now = opt.Now
		}
		RecordSynced(s, now())
	}
	return sum, err
}

// SettingLastSync is the store setting with the time (RFC 3339) of the last
// sync that delivered leads, whether the app or the command line ran it.
const SettingLastSync = "sync.last_success"

// RecordSynced notes the time of a sync that delivered leads. It is for
// display only, so a failure to write it is not reported.
func RecordSynced(s *storage.Store, now time.Time) {
	_ = s.SetSetting(SettingLastSync, now.UTC().Format(time.RFC3339))
}

// LastSynced returns the time RecordSynced noted, or the zero time.
func LastSynced(s *storage.Store) time.Time {
	v, err := s.Setting(SettingLastSync)
	if err != nil || v == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, v)
	return t
}
