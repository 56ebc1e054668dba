package app

import (
	"errors"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/workflow"
)

// maxProblems caps the failed and refused leads listed on the Sync screen.
const maxProblems = 200

// syncScreen is the back office's view of the CRM sync: whether the CRM can
// be reached, how many leads wait, "Sync now" with a progress bar, when the
// last sync delivered leads, and the leads that failed or that the CRM
// refused, with the CRM's reason and a retry.
type syncScreen struct {
	ui     *UI
	office *office

	statusIcon *widget.Icon
	status     *widget.Label
	counts     *widget.Label
	last       *widget.Label
	syncNow    *widget.Button
	value      binding.Float // delivered / total, set from the relay's goroutines
	bar        *widget.ProgressBar
	activity   *widget.Activity // while the total is unknown
	result     *widget.Label
	problems   *fyne.Container
	noProblems *widget.Label
	retryAll   *widget.Button
	content    fyne.CanvasObject

	meter  *meter
	chip   *statusChip   // the always-visible sync state, see ui.go
	damage *damageBanner // damage.go

	// Only touched on the UI goroutine.
	running bool
	loading bool          // a refresh runs
	again   bool          // another refresh is wanted when it is done
	hasCRM  bool          // a CRM is set up in the store
	stats   storage.Stats // as last loaded; a running sync counts on from them
}

func newSyncScreen(u *UI, o *office) *syncScreen {
	s := &syncScreen{ui: u, office: o}
	s.chip = newStatusChip(func() { u.ShowTab("sync") })
	s.statusIcon = widget.NewIcon(theme.QuestionIcon())
	s.status = widget.NewLabelWithStyle(lang.L("Not connected yet"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status.Wrapping = fyne.TextWrapWord
	s.counts = widget.NewLabel(lang.L("Counting leads…"))
	s.damage = newDamageBanner()
	s.counts.Wrapping = fyne.TextWrapWord
	s.last = widget.NewLabel("")
	s.last.Importance = widget.LowImportance
	s.last.Wrapping = fyne.TextWrapWord

	s.syncNow = widget.NewButtonWithIcon(lang.L("Sync now"), theme.UploadIcon(), s.onSyncNowTapped)
	s.syncNow.Importance = widget.HighImportance
	s.value = binding.NewFloat()
	s.meter = &meter{every: time.Second / 60, value: s.value}
	s.bar = widget.NewProgressBarWithData(s.value)
	s.bar.TextFormatter = s.meter.text
	s.activity = widget.NewActivity()
	s.activity.Hide()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord

	s.problems = container.NewVBox()
	s.noProblems = widget.NewLabel(lang.L("No failed or refused leads."))
	s.noProblems.Importance = widget.LowImportance
	s.retryAll = widget.NewButtonWithIcon(lang.L("Retry all"), theme.ViewRefreshIcon(), s.onRetryAllTapped)
	s.retryAll.Hide()

	connection := widget.NewCard(lang.L("CRM connection"), "", container.NewVBox(
		s.damage.box,
		container.NewBorder(nil, nil, s.statusIcon, nil, s.status),
		s.counts, s.last,
	))
	s.bar.Hide() // until a sync runs
	progress := container.NewStack(s.bar, s.activity)
	var run fyne.CanvasObject
	if fyne.CurrentDevice().IsMobile() {
		run = container.NewVBox(tall(s.syncNow), progress) // a full-width button for a thumb
	} else {
		run = container.NewBorder(nil, nil, s.syncNow, nil, progress)
	}
	sending := widget.NewCard(lang.L("Send to the CRM"), "", container.NewVBox(run, s.result))
	attention := widget.NewCard(lang.L("Needs attention"), "", container.NewVBox(
		s.noProblems, s.problems, buttonRow(true, s.retryAll)))
	s.content = container.NewVScroll(container.NewVBox(connection, sending, attention))
	return s
}

// meter turns the relay's progress into the progress bar's value and text,
// at most every so often (about 60 times a second) and always for the final
// value. Its methods are safe from any goroutine: the value is a binding.
type meter struct {
	every time.Duration
	value binding.Float

	mu    sync.Mutex
	last  time.Time
	shown syncer.Progress
	known bool // a total was shown
}

// report takes a progress snapshot; final ones are always shown. It
// says whether this one is shown, and whether it is the first one with a
// known total.
func (m *meter) report(p syncer.Progress, final bool) (shown, first bool) {
	m.mu.Lock()
	now := time.Now()
	if !final && now.Sub(m.last) < m.every {
		m.mu.Unlock()
		return false, false
	}
	m.last, m.shown = now, p
	first = !m.known && p.Total > 0
	m.known = m.known || p.Total > 0
	m.mu.Unlock()
	v := 0.0
	if p.Total > 0 {
		v = float64(p.Done) / float64(p.Total)
	}
	_ = m.value.Set(v) // a float binding does not fail
	return true, first
}

// reset starts a new sync: the total is unknown again.
func (m *meter) reset() {
	m.mu.Lock()
	m.shown, m.known, m.last = syncer.Progress{}, false, time.Time{}
	m.mu.Unlock()
	_ = m.value.Set(0)
}

// text is the progress bar's text: "312 of 1,000".
func (m *meter) text() string {
	m.mu.Lock()
	p := m.shown
	m.mu.Unlock()
	return lang.L("{{.Done}} of {{.Total}}", map[string]any{"Done": thousands(p.Done), "Total": thousands(p.Total)})
}

// thousands writes n as the user's language does: 1,000 in English,
// 1.000 in German. Every count on screen goes through it.
func thousands(n int) string {
	tag, err := language.Parse(lang.SystemLocale().LanguageString())
	if err != nil {
		tag = language.English
	}
	return message.NewPrinter(tag).Sprint(n)
}

// syncData is what a background load of the Sync screen hands back.
type syncData struct {
	hasCRM   bool // a CRM is set up
	stats    storage.Stats
	problems []problem
	more     int // problems not listed
	last     time.Time
	err      error
}

// problem is a lead that failed to sync or that the CRM refused.
type problem struct {
	id      uuid.UUID
	name    string
	dead    bool
	reason  string
	next    time.Time // failed: the next attempt
	tries   int
	stopped bool // failed because the sync was stopped, not by the CRM
}

// loadSyncData reads counts, problems and the last sync, off the UI
// goroutine.
func loadSyncData(st *storage.Store) syncData {
	var d syncData
	if d.stats, d.err = st.Stats(); d.err != nil {
		return d
	}
	cs, err := workflow.LoadCRM(st)
	if err != nil {
		d.err = err
		return d
	}
	d.hasCRM = cs.Connector != ""
	d.last = workflow.LastSynced(st)
	dead, err := st.DeadLetters()
	if err != nil {
		d.err = err
		return d
	}
	names := map[uuid.UUID]string{}
	if len(dead) > 0 {
		// The names come from the list index, not from decoding every lead.
		refused, err := st.List(storage.Query{Sync: storage.SyncDead})
		if err != nil {
			d.err = err
			return d
		}
		for _, r := range refused {
			names[r.ID] = summaryName(r)
		}
	}
	for _, dl := range dead {
		if len(d.problems) == maxProblems {
			d.more++
			continue
		}
		name, ok := names[dl.LeadID]
		if !ok {
			name = dl.LeadID.String()[:8] // removed meanwhile
		}
		d.problems = append(d.problems, problem{id: dl.LeadID, name: name, dead: true, reason: dl.Reason, tries: dl.Attempts})
	}
	failed, err := st.List(storage.Query{Sync: storage.SyncFailed, Limit: maxProblems})
	if err != nil {
		d.err = err
		return d
	}
	d.more += max(0, d.stats.BySync[storage.SyncFailed]-len(failed))
	for _, f := range failed {
		info, err := st.SyncInfo(f.ID)
		if err != nil {
			continue // synced or removed meanwhile
		}
		p := problem{id: f.ID, name: summaryName(f), reason: info.LastError, next: info.NextAttempt, tries: info.Attempts}
		p.stopped = strings.Contains(info.LastError, "sync stopped")
		d.problems = append(d.problems, p)
	}
	return d
}

// summaryName is how a problem row names a lead.
func summaryName(sum storage.Summary) string {
	name := sum.Name
	if name == "" {
		name = sum.Email
	}
	if sum.Organization != "" {
		name += " — " + sum.Organization
	}
	return name
}

// refresh reloads the counts and problems in the background. Refreshes
// asked for while one runs are folded into one more.
func (s *syncScreen) refresh() {
	if s.loading {
		s.again = true
		return
	}
	s.loading = true
	st := s.ui.st
	s.ui.background(func() func() {
		d := loadSyncData(st)
		return func() { s.show(d) }
	})
}

// delivered refreshes what shows the sync state after the background relay
// delivered leads: this screen, and the Leads list's badges and counts.
func (s *syncScreen) delivered() {
	s.refresh()
	s.ui.leadsChanged()
}

// show applies loaded data; it runs on the UI goroutine.
func (s *syncScreen) show(d syncData) {
	s.loading = false
	if s.again {
		s.again = false
		s.refresh()
	}
	if d.err != nil {
		s.counts.SetText(userMessage(d.err))
		return
	}
	s.stats = d.stats
	s.damage.show(d.stats.Damage)
	s.chip.damaged(d.stats.Damage != nil)
	s.showCounts(d.stats.OutboxPending, d.stats.Dead, d.stats.BySync[storage.SyncSynced])
	s.showCRM(d.hasCRM)
	if d.last.IsZero() {
		s.last.SetText(lang.L("No sync has delivered leads yet."))
	} else {
		s.last.SetText(lang.L("Last successful sync: {{.Time}}", map[string]any{"Time": formatDateTime(d.last)}))
	}
	s.showProblems(d)
	s.updateSyncNow()
}

// showCounts shows how many leads wait, were refused and are synced.
func (s *syncScreen) showCounts(waiting, dead, synced int) {
	parts := []string{
		lang.N("{{.Count}} leads waiting to be sent", waiting, map[string]any{"Count": thousands(waiting)}),
		lang.N("{{.Count}} refused by the CRM", dead, map[string]any{"Count": thousands(dead)}),
		lang.N("{{.Count}} synced", synced, map[string]any{"Count": thousands(synced)}),
	}
	s.counts.SetText(strings.Join(parts, " · "))
	s.chip.show(waiting)
}

// showCRM follows whether a CRM is set up. Without one the status says so;
// once one is, what a sync without it said no longer applies.
func (s *syncScreen) showCRM(has bool) {
	was := s.hasCRM
	s.hasCRM = has
	switch {
	case !has:
		s.showStatus(syncer.Status{Err: workflow.ErrNoCRM})
	case !was:
		s.statusIcon.SetResource(theme.QuestionIcon())
		s.status.SetText(lang.L("Not connected yet"))
		s.chip.status(chipConnecting)
		s.clearFailure()
	}
}

// clearFailure removes what a failed sync said, when no sync runs.
func (s *syncScreen) clearFailure() {
	if s.running || s.result.Importance != widget.DangerImportance {
		return
	}
	s.result.Importance = widget.MediumImportance
	s.result.SetText("")
	s.bar.Hide()
}

// updateSyncNow enables "Sync now" when leads wait, a CRM is set up and no
// sync runs.
func (s *syncScreen) updateSyncNow() {
	if !s.running && s.hasCRM && s.stats.OutboxPending > 0 {
		s.syncNow.Enable()
	} else {
		s.syncNow.Disable()
	}
}

// showProblems lists the refused and failed leads.
func (s *syncScreen) showProblems(d syncData) {
	objs := make([]fyne.CanvasObject, 0, len(d.problems)+1)
	anyDead := false
	for _, p := range d.problems {
		objs = append(objs, s.problemRow(p))
		anyDead = anyDead || p.dead
	}
	if d.more > 0 {
		more := widget.NewLabel(lang.N("… and {{.Count}} more", d.more, map[string]any{"Count": thousands(d.more)}))
		more.Importance = widget.LowImportance
		objs = append(objs, more)
	}
	s.problems.Objects = objs
	s.problems.Refresh()
	if len(objs) == 0 {
		s.noProblems.Show()
	} else {
		s.noProblems.Hide()
	}
	if anyDead {
		s.retryAll.Show()
	} else {
		s.retryAll.Hide()
	}
	s.content.Refresh() // the list changed height: lay out the page again
}

// problemRow shows one lead with the CRM's reason: a refused lead with a
// Retry button, a failed one with when it is tried again.
func (s *syncScreen) problemRow(p problem) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(p.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	var state string
	var b *badge
	if p.dead {
		b = newBadge(syncLabel(storage.SyncDead), syncColor(storage.SyncDead))
		state = lang.L("The CRM refused this lead: {{.Reason}}", map[string]any{"Reason": p.reason})
	} else {
		b = newBadge(syncLabel(storage.SyncFailed), syncColor(storage.SyncFailed))
		state = lang.N("Failed {{.Count}} times, next try {{.Time}}: {{.Reason}}", p.tries,
			map[string]any{"Count": thousands(p.tries), "Time": p.next.Local().Format("15:04"), "Reason": p.reason})
	}
	reason := widget.NewLabel(state)
	reason.Wrapping = fyne.TextWrapWord
	reason.SizeName = theme.SizeNameCaptionText
	head := container.NewBorder(nil, nil, nil, container.NewCenter(b), name)
	row := container.NewVBox(head, reason)
	if !p.dead {
		return row
	}
	id := p.id
	retry := widget.NewButtonWithIcon(lang.L("Retry"), theme.ViewRefreshIcon(), func() { s.onRetryTapped(id) })
	open := widget.NewButtonWithIcon(lang.L("Open lead"), theme.DocumentIcon(), func() { s.ui.openLead(id) })
	row.Add(buttonRow(true, open, retry))
	return row
}

// showStatus shows the CRM connection as the relay sees it.
func (s *syncScreen) showStatus(st syncer.Status) {
	s.chip.status(chipStateOf(st))
	switch {
	case st.Online:
		s.statusIcon.SetResource(theme.ConfirmIcon())
		s.status.SetText(lang.L("Online: leads are sent to the CRM as they are saved."))
		s.clearFailure()
	case errors.Is(st.Err, workflow.ErrNoCRM):
		s.statusIcon.SetResource(theme.WarningIcon())
		s.status.SetText(lang.L("No CRM is set up: choose one in Settings."))
	case errors.Is(st.Err, workflow.ErrNoSecret):
		s.statusIcon.SetResource(theme.WarningIcon())
		s.status.SetText(lang.L("The CRM secret is missing: enter it in Settings."))
	case errors.Is(st.Err, syncer.ErrAuth):
		s.statusIcon.SetResource(theme.ErrorIcon())
		s.status.SetText(lang.L("The CRM refused the credentials: check them in Settings."))
	case errors.Is(st.Err, syncer.ErrCertificate):
		s.statusIcon.SetResource(theme.ErrorIcon())
		s.status.SetText(lang.L("The CRM's certificate was not accepted (not a network problem): check the address in Settings, or ask the CRM's administrator for a valid certificate."))
	case errors.Is(st.Err, syncer.ErrRedirect):
		s.statusIcon.SetResource(theme.ErrorIcon())
		s.status.SetText(lang.L("The CRM's address redirects elsewhere, so nothing was sent: enter the address it points to in Settings."))
	default:
		s.statusIcon.SetResource(theme.ErrorIcon())
		text := lang.L("Offline: leads stay safe on this device and are sent when the CRM can be reached.")
		if !st.NextProbe.IsZero() {
			text += " " + lang.L("Next try at {{.Time}}.", map[string]any{"Time": st.NextProbe.Local().Format("15:04:05")})
		}
		s.status.SetText(text)
	}
}

// onSyncNowTapped sends everything due to the CRM now, with a progress bar.
func (s *syncScreen) onSyncNowTapped() {
	if s.running {
		return
	}
	s.startSync()
}

// startSync runs a bulk sync in the background; the relay reports progress
// through the meter, the summary comes back on the UI goroutine.
func (s *syncScreen) startSync() {
	o := s.office
	if o.ctx.Err() != nil {
		return
	}
	s.running = true
	s.syncNow.Disable()
	s.meter.reset()
	s.bar.Hide()
	s.activity.Show()
	s.activity.Start()
	s.result.Importance = widget.MediumImportance
	s.result.SetText(lang.L("Connecting to the CRM…"))
	st, secret, ctx, now := s.ui.st, o.secretValue(), o.ctx, s.ui.opts.Now
	o.wg.Add(1)
	s.ui.background(func() func() {
		defer o.wg.Done()
		onProgress := func(p syncer.Progress) {
			if shown, _ := s.meter.report(p, false); shown {
				s.ui.opts.do(func() { s.showProgress(p) })
			}
		}
		sum, err := workflow.SyncNow(ctx, st, workflow.SyncOptions{Secret: secret, OnProgress: onProgress, OnStatus: o.onStatus, Now: now})
		d := loadSyncData(st)
		return func() { s.onSyncDone(sum, err, d) }
	})
}

// showProgress shows how far a running sync is: the bar once the total is
// known, and the counts as they change.
func (s *syncScreen) showProgress(p syncer.Progress) {
	if !s.running || p.Total == 0 {
		return
	}
	s.showBar()
	s.result.SetText(lang.L("Sending leads to the CRM…"))
	base := s.stats
	s.showCounts(max(0, base.OutboxPending-p.Done-p.Dead), base.Dead+p.Dead, base.BySync[storage.SyncSynced]+p.Done)
}

// showBar swaps the activity for the progress bar once the total is known.
func (s *syncScreen) showBar() {
	s.activity.Stop()
	s.activity.Hide()
	s.bar.Show()
}

// onSyncDone shows the outcome of a bulk sync.
func (s *syncScreen) onSyncDone(sum syncer.Summary, err error, d syncData) {
	s.running = false
	total := sum.Done + sum.Dead + sum.Pending
	s.meter.report(syncer.Progress{Total: total, Done: sum.Done, Failed: sum.Failed, Dead: sum.Dead}, true)
	s.showBar()
	if total == 0 {
		s.bar.Hide() // nothing was sent: no "0 of 0"
	}
	s.bar.Refresh()
	line := lang.L("Synced {{.Done}}, failed {{.Failed}}, refused {{.Dead}}, still waiting {{.Pending}}.",
		map[string]any{"Done": thousands(sum.Done), "Failed": thousands(sum.Failed), "Dead": thousands(sum.Dead), "Pending": thousands(sum.Pending)})
	switch {
	case err != nil && sum == (syncer.Summary{}):
		s.result.Importance = widget.DangerImportance
		line = syncErrorText(err) // it stopped before it began
	case err != nil:
		s.result.Importance = widget.DangerImportance
		line = syncErrorText(err) + " " + line
	case sum.Dead > 0 || sum.Pending > 0:
		s.result.Importance = widget.WarningImportance
	default:
		s.result.Importance = widget.SuccessImportance
	}
	s.result.SetText(line)
	s.show(d)
	s.ui.leadsChanged() // the list's sync badges and the report's sync chart changed
}

// syncErrorText says in a sentence why a sync stopped and what to do.
func syncErrorText(err error) string {
	switch {
	case errors.Is(err, workflow.ErrNoCRM):
		return lang.L("No CRM is set up: choose one in Settings.")
	case errors.Is(err, workflow.ErrNoSecret):
		return lang.L("The CRM secret is missing: enter it in Settings.")
	case errors.Is(err, syncer.ErrAuth):
		var pe *syncer.PermanentError
		if errors.As(err, &pe) && pe.Reason != "" {
			reason := strings.TrimSuffix(pe.Reason, ": "+syncer.ErrAuth.Error())
			return lang.L("The CRM refused the credentials ({{.Reason}}): check them in Settings.", map[string]any{"Reason": reason})
		}
		return lang.L("The CRM refused the credentials: check them in Settings.")
	case errors.Is(err, syncer.ErrOffline):
		return lang.L("The CRM cannot be reached: check the network and the CRM address. Leads stay safe on this device.")
	}
	return userMessage(err)
}

// onRetryTapped queues a refused lead again and sends it.
func (s *syncScreen) onRetryTapped(id uuid.UUID) {
	s.retry(func(st *storage.Store) error { return st.RetryDead(id) })
}

// onRetryAllTapped queues every refused lead again and sends them.
func (s *syncScreen) onRetryAllTapped() {
	s.retry(func(st *storage.Store) error { _, err := st.RetryAllDead(); return err })
}

func (s *syncScreen) retry(queue func(*storage.Store) error) {
	st := s.ui.st
	s.ui.background(func() func() {
		if err := queue(st); err != nil {
			return func() { s.ui.showError(err) }
		}
		return func() {
			s.office.wake()
			if s.running {
				s.refresh()
				return
			}
			s.startSync()
		}
	})
}
