package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/workflow"
)

// office is the back-office side of the window: the Sync and Settings
// screens, the CRM secret (kept in memory only, never in the database) and
// the background relay that delivers leads whenever the CRM can be reached.
// It owns every goroutine it starts: they end when the window closes.
type office struct {
	ui       *UI
	sync     *syncScreen
	settings *settingsScreen

	ctx    context.Context // ends when the window closes
	cancel context.CancelFunc
	wg     sync.WaitGroup // the background relay and on-demand syncs

	mu        sync.Mutex
	secret    string             // the CRM secret, in memory only
	relay     *syncer.Relay      // the running background relay, if any
	stopRelay context.CancelFunc // stops it
	relayOn   bool               // background sync is wanted (the app has started)
	lastShown time.Time          // when the relay's progress was last shown
	relayDone bool               // it delivered leads since then
	trailing  *time.Timer        // shows the end of a burst of progress

	// recording is held while the last sync is recorded, so that stop can
	// wait for a trailing timer that already fired: the store is closed
	// after the window.
	recording sync.Mutex

	closeWarning dialog.Dialog // the "not synced yet" question on close, when shown
}

func newOffice(u *UI) *office {
	o := &office{ui: u, secret: workflow.CRMSecret()}
	o.ctx, o.cancel = context.WithCancel(context.Background())
	o.sync = newSyncScreen(u, o)
	o.settings = newSettingsScreen(u, o)
	u.win.SetCloseIntercept(o.onCloseRequested)
	return o
}

// tabs returns the Sync and Settings tabs.
func (o *office) tabs() []*container.TabItem {
	return []*container.TabItem{
		container.NewTabItemWithIcon(tabName(lang.L("Sync"), lang.X("tab.sync", "Sync")), theme.ViewRefreshIcon(), o.sync.content),
		container.NewTabItemWithIcon(tabName(lang.L("Settings"), lang.X("tab.settings", "Setup")), theme.SettingsIcon(), o.settings.content),
	}
}

// start loads both screens and arranges for the background relay to start
// once the app runs (the test driver never starts an app, so UI tests run
// without a relay unless they start one). Closing the window stops it.
func (o *office) start() {
	o.sync.refresh()
	o.settings.load()
	fyne.CurrentApp().Lifecycle().SetOnStarted(o.startRelay)
	o.ui.onClose(o.stop)
}

// startRelay turns background sync on.
func (o *office) startRelay() {
	o.mu.Lock()
	o.relayOn = true
	o.mu.Unlock()
	o.restartRelay()
}

// restartRelay stops the background relay, if one runs, and starts one with
// the CRM set up in the store and the secret in memory. Without a CRM or a
// secret the Sync screen says what is missing. Call it after the settings
// changed.
func (o *office) restartRelay() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopRelay != nil {
		o.stopRelay()
		o.stopRelay, o.relay = nil, nil
	}
	if !o.relayOn || o.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithCancel(o.ctx)
	o.stopRelay = cancel
	st, secret := o.ui.st, o.secret
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		r, err := workflow.NewRelay(st, workflow.SyncOptions{Secret: secret, OnStatus: o.onStatus, OnProgress: o.onRelayProgress})
		if err != nil {
			o.onStatus(syncer.Status{Err: err})
			return
		}
		o.mu.Lock()
		if ctx.Err() != nil {
			o.mu.Unlock()
			return
		}
		o.relay = r
		o.mu.Unlock()
		if err := r.Run(ctx); err != nil {
			o.onStatus(syncer.Status{Err: err})
		}
	}()
}

// onStatus shows the relay's connection state; any goroutine may call it.
func (o *office) onStatus(s syncer.Status) {
	o.ui.opts.do(func() { o.sync.showStatus(s) })
}

// onRelayProgress follows the background relay: when it delivered leads it
// records the time and refreshes the Sync screen, at most once a second
// while it drains (a timer shows the last state of a burst) and always at
// the end of a round. It runs on the relay's goroutine.
func (o *office) onRelayProgress(p syncer.Progress) {
	if p.Done+p.Dead == 0 {
		return
	}
	o.mu.Lock()
	o.relayDone = o.relayDone || p.Done > 0
	wait := time.Second - time.Since(o.lastShown)
	if p.Done+p.Dead+p.Failed < p.Total && wait > 0 {
		if o.trailing == nil {
			o.trailing = time.AfterFunc(wait, o.showRelayProgress)
		}
		o.mu.Unlock()
		return
	}
	o.mu.Unlock()
	o.showRelayProgress()
}

// showRelayProgress records the last sync and refreshes the Sync screen
// after the background relay delivered leads.
func (o *office) showRelayProgress() {
	o.mu.Lock()
	if o.trailing != nil {
		o.trailing.Stop()
		o.trailing = nil
	}
	o.lastShown = time.Now()
	done := o.relayDone
	o.relayDone = false
	o.mu.Unlock()
	o.recording.Lock()
	defer o.recording.Unlock()
	if o.ctx.Err() != nil {
		return
	}
	if done {
		workflow.RecordSynced(o.ui.st, o.ui.opts.Now())
	}
	o.ui.opts.do(o.sync.delivered)
}

// wake asks the background relay to look for due leads now.
func (o *office) wake() {
	o.mu.Lock()
	r := o.relay
	o.mu.Unlock()
	if r != nil {
		r.Wake()
	}
}

// leadSaved is called after a lead was saved: the relay sends it now when
// the CRM is reachable, and the Sync screen counts it.
func (o *office) leadSaved() {
	o.wake()
	o.sync.refresh()
}

// setSecret keeps the CRM secret in memory for the next sync.
func (o *office) setSecret(secret string) {
	o.mu.Lock()
	o.secret = strings.TrimSpace(secret)
	o.mu.Unlock()
}

// secretValue is the CRM secret in memory.
func (o *office) secretValue() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.secret
}

// stop ends the background relay and any sync in flight, and waits until
// what they had delivered is recorded. A lead the CRM had not confirmed
// stays in the outbox and is sent next time.
func (o *office) stop() {
	o.cancel()
	o.wg.Wait()
	o.mu.Lock()
	o.relay, o.stopRelay = nil, nil
	if o.trailing != nil {
		o.trailing.Stop()
		o.trailing = nil
	}
	o.mu.Unlock()
	// Wait for a trailing timer that already fired: it holds recording
	// while it records the last sync.
	o.recording.Lock()
	//lint:ignore SA2001 the empty critical section is the wait
	o.recording.Unlock()
}

// onCloseRequested is the window's close intercept. A lead on the Leads
// tab with unsaved changes asks first, as ← does; a review open on
// Capture is saved as it stands when the window closes (captureScreen.stop),
// but a lead typed in there that cannot be saved yet asks first (Stay or
// Discard). With leads not synced yet it says so before closing; nothing
// is lost either way.
func (o *office) onCloseRequested() {
	if s := o.ui.topLead(); s != nil && s.dirty() {
		o.ui.showLeads()
		s.confirmLeave(o.closeAfterCapture, nil)
		return
	}
	o.closeAfterCapture()
}

// closeAfterCapture closes the window, after asking about a lead typed in
// on Capture that cannot be saved yet.
func (o *office) closeAfterCapture() {
	if c := o.ui.capture; c.rev.unsavable() {
		o.ui.selectScreen(c.content)
		c.rev.confirmDrop(o.closeIfSynced)
		return
	}
	o.closeIfSynced()
}

// closeIfSynced closes the window, after asking when leads are not synced
// yet.
func (o *office) closeIfSynced() {
	st := o.ui.st
	o.ui.background(func() func() {
		n, err := unsynced(st)
		return func() {
			if err != nil || n == 0 {
				o.ui.win.Close()
				return
			}
			msg := lang.N("{{.Count}} leads are not synced yet. They are kept safely on this device and will sync next time.", n, map[string]any{"Count": thousands(n)})
			d := dialog.NewConfirm(lang.L("Close leadcap?"), msg, func(ok bool) {
				o.closeWarning = nil
				if ok {
					o.ui.win.Close()
				}
			}, o.ui.win)
			d.SetConfirmText(lang.L("Close"))
			d.SetDismissText(lang.L("Keep open"))
			o.closeWarning = d
			d.Show()
		}
	})
}

// unsynced counts the leads the CRM does not have yet: pending, failed and
// refused ones.
func unsynced(st *storage.Store) (int, error) {
	s, err := st.Stats()
	if err != nil {
		return 0, err
	}
	return s.OutboxPending + s.Dead, nil
}

// Preference keys of the app (fyne preferences, per user and device).
const (
	prefLanguage = "language" // "", "en" or "de"
	prefTheme    = "theme"    // "", "light" or "dark"
)

// ApplyPreferences applies the language and theme chosen in Settings. Call
// it right after creating the app and before loading the translations:
// fyne's lang package reads the language from the environment.
func ApplyPreferences(a fyne.App) {
	if l := a.Preferences().String(prefLanguage); l != "" {
		setLanguageEnv(l)
	}
	applyTheme(a, a.Preferences().String(prefTheme))
}

// setLanguageEnv makes fyne's lang package pick language l. LANGUAGE wins
// over LANG unless the locale is C or POSIX, which switches translation off.
func setLanguageEnv(l string) {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if v == "C" || v == "POSIX" {
				os.Setenv(k, "C.UTF-8")
			}
			break
		}
	}
	os.Setenv("LANGUAGE", l)
}

// Tabs names the screens ShowTab can start on, in the order of the tabs;
// "lead" opens the newest lead.
var Tabs = []string{"capture", "leads", "meeting", "sync", "settings", "followups", "report", "lead"}

// ShowTab selects a screen by its name in Tabs, e.g. for `leadcap-app --tab
// sync`; it reports false for an unknown name. A phone keeps Follow-ups on
// the second page of its Notes tab and opens the report over the Leads
// screen.
func (u *UI) ShowTab(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "lead":
		st := u.st
		u.background(func() func() {
			rows, err := st.List(storage.Query{Limit: 1})
			if err != nil || len(rows) == 0 {
				return u.showLeads
			}
			return func() { u.openLead(rows[0].ID) }
		})
		return true
	case "report": // on a phone over the Leads screen
		u.openReport()
		return true
	case "capture":
		return u.selectScreen(u.capture.content)
	case "leads":
		return u.selectScreen(u.nav)
	case "meeting":
		return u.selectScreen(u.meeting.content)
	case "sync":
		return u.selectScreen(u.office.sync.content)
	case "settings":
		return u.selectScreen(u.office.settings.content)
	case "followups":
		return u.selectScreen(u.followUps.content)
	}
	return false
}

// selectScreen selects the tab that shows content, on a phone also the
// page of a tab with pages.
func (u *UI) selectScreen(content fyne.CanvasObject) bool {
	for _, it := range u.tabs.Items {
		if it.Content == content {
			u.tabs.Select(it)
			return true
		}
		if inner, ok := it.Content.(*container.AppTabs); ok {
			for _, page := range inner.Items {
				if page.Content == content {
					u.tabs.Select(it)
					inner.Select(page)
					return true
				}
			}
		}
	}
	return false
}

// salvageButtons is what the open-failed window offers for a damaged
// database: a button that copies every lead that still decodes into a new
// file beside it (storage.Salvage; the damaged file is left as it was) and
// says where the copy is and how many leads were lost. For other errors
// it offers nothing.
func salvageButtons(w fyne.Window, path string, openErr error) []fyne.CanvasObject {
	if !errors.Is(openErr, storage.ErrDamaged) {
		return nil
	}
	var b *widget.Button
	b = widget.NewButtonWithIcon(lang.L("Salvage leads"), theme.DocumentSaveIcon(), func() {
		ext := filepath.Ext(path)
		dst := strings.TrimSuffix(path, ext) + "-salvaged-" + time.Now().UTC().Format("20060102T150405Z") + ext
		rep, err := storage.Salvage(path, dst, workflow.StoreKey(credentials.System{}))
		if err != nil {
			dialog.ShowInformation(lang.L("Nothing could be salvaged"), userMessage(err), w)
			return
		}
		b.Disable()
		dialog.ShowInformation(lang.L("Leads salvaged"), lang.L("{{.Leads}} leads were copied to {{.File}}, {{.Lost}} could not be read. The damaged file was not changed. To use the copy, start leadcap with --db and that file.",
			map[string]any{"Leads": rep.Leads, "File": dst, "Lost": len(rep.Lost)}), w)
	})
	return []fyne.CanvasObject{b}
}
