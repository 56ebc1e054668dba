package app

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
)

// demo stores four leads at two events; Grace Hopper is a prospect.
func demo(t *testing.T, st *storage.Store) (hannover, berlin lead.Event, leads []lead.Lead) {
	t.Helper()
	hannover = addEvent(t, st, "Hannover Messe", "DE")
	berlin = addEvent(t, st, "IFA Berlin", "DE")
	leads = []lead.Lead{
		addLead(t, st, hannover, 1, "Ada", "Lovelace", "Analytical Engines", "ada@example.com"),
		addLead(t, st, hannover, 2, "Jürgen", "Müller", "Müller Maschinenbau GmbH", "j.mueller@example.de"),
		addLead(t, st, berlin, 3, "Grace", "Hopper", "Navy Labs", "grace@example.org"),
		addLead(t, st, berlin, 4, "Linus", "Torvalds", "", "linus@example.net"),
	}
	_, err := st.UpdateLead(leads[2].ID, func(l *lead.Lead) error {
		l.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
		return nil
	})
	require.NoError(t, err)
	return hannover, berlin, leads
}

func TestLeadsEmptyStoreSaysHowToAddLeads(t *testing.T) {
	st := newStore(t)
	t.Setenv("LEADCAP_DB", st.Path()) // the CLI finds this store without --db
	u := newTestUI(t, st)
	s := u.leads

	assert.Zero(t, s.list.Length())
	assert.True(t, s.empty.Visible())
	assert.Equal(t, "No leads yet", s.emptyT.Text)
	assert.Equal(t, `leadcap event create --name "Hannover Messe" --country DE --use`+"\n"+
		`leadcap add --name "Ada Lovelace" --org "Analytical Engines" --email ada@example.com`, s.emptyC.Text,
		"a fresh store has no event yet: the hint creates one first")
	assert.False(t, s.clear.Visible(), "nothing to clear in an empty store")
	assert.Equal(t, "0 leads · 0 prospects · 0 not synced", s.counts.Text)
	test.AssertRendersToMarkup(t, golden("leads_empty.xml"), u.win.Canvas())
}

func TestLeadsEmptyStoreHintNamesTheDatabase(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	require.NoError(t, st.SetActiveEvent(ev.ID))
	t.Setenv("LEADCAP_DB", "")
	u := newTestUI(t, st)
	assert.Equal(t, "leadcap --db "+shellQuote(st.Path())+` add --name "Ada Lovelace" --org "Analytical Engines" --email ada@example.com`,
		u.leads.emptyC.Text, "with an active event, adding a lead is one command")
}

func TestShellQuote(t *testing.T) {
	assert.Equal(t, "/home/anna/leads.db", shellQuote("/home/anna/leads.db"))
	assert.Equal(t, `'/home/anna/my leads.db'`, shellQuote("/home/anna/my leads.db"))
	assert.Equal(t, `'/tmp/anna'\''s.db'`, shellQuote("/tmp/anna's.db"))
}

func TestLeadsListsEveryLeadWithEventStageAndSync(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	u := newTestUI(t, st)
	s := u.leads

	assert.False(t, s.empty.Visible())
	assert.Equal(t, 4, s.list.Length())
	assert.Equal(t, "4 leads · 1 prospect · 4 not synced", s.counts.Text)
	assert.Equal(t, []string{
		"Linus Torvalds | IFA Berlin · linus@example.net · 2026-11-27 09:34 | Lead | Not synced",
		"Grace Hopper — Navy Labs | IFA Berlin · grace@example.org · 2026-11-27 09:33 | Prospect | Not synced",
		"Jürgen Müller — Müller Maschinenbau GmbH | Hannover Messe · j.mueller@example.de · 2026-11-27 09:32 | Lead | Not synced",
		"Ada Lovelace — Analytical Engines | Hannover Messe · ada@example.com · 2026-11-27 09:31 | Lead | Not synced",
	}, rowTexts(t, u))
	test.AssertRendersToMarkup(t, golden("leads.xml"), u.win.Canvas())
}

func TestLeadsSearchAsYouType(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	u := newTestUI(t, st)
	s := u.leads

	test.Type(s.search, "mull") // accents and case do not matter
	require.Equal(t, 1, s.list.Length())
	assert.Equal(t, "Jürgen Müller — Müller Maschinenbau GmbH", rowsOf(t, u)[0].name.Text)
	assert.Equal(t, "1 of 4 leads · 0 prospects · 1 not synced", s.counts.Text)

	test.Type(s.search, "x")
	assert.Zero(t, s.list.Length())
	assert.True(t, s.empty.Visible())
	assert.Equal(t, "No leads match", s.emptyT.Text)
	assert.True(t, s.clear.Visible())

	test.Tap(s.clear)
	assert.Empty(t, s.search.Text)
	assert.Equal(t, 4, s.list.Length())
	assert.False(t, s.empty.Visible())
}

func TestLeadsFilterByEventStageAndSync(t *testing.T) {
	st := newStore(t)
	_, berlin, leads := demo(t, st)
	// Ada's lead reached the CRM.
	require.NoError(t, st.MarkDone(leads[0].ID, 1, "crm-1"))
	u := newTestUI(t, st)
	s := u.leads

	assert.Equal(t, []string{"All events", "Hannover Messe", "IFA Berlin"}, s.event.Options)
	s.event.SetSelected("IFA Berlin")
	assert.Equal(t, berlin.ID, s.query().EventID)
	assert.Equal(t, 2, s.list.Length())
	assert.Equal(t, "2 of 4 leads · 1 prospect · 2 not synced", s.counts.Text)

	s.stage.SetSelected("Prospect")
	require.Equal(t, 1, s.list.Length())
	assert.Equal(t, "Grace Hopper — Navy Labs", rowsOf(t, u)[0].name.Text)

	s.event.SetSelectedIndex(0)
	s.stage.SetSelectedIndex(0)
	s.sync.SetSelected("Synced")
	require.Equal(t, 1, s.list.Length())
	row := rowsOf(t, u)[0]
	assert.Equal(t, "Ada Lovelace — Analytical Engines", row.name.Text)
	assert.Equal(t, "Synced", row.sync.text)
	assert.Equal(t, "1 of 4 leads · 0 prospects · 0 not synced", s.counts.Text)
}

func TestLeadsRunsOneQueryAtATimeAndShowsTheLatest(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	u := newTestUI(t, st)
	s := u.leads
	var queued []func()
	u.opts.run = func(f func()) { queued = append(queued, f) }

	test.Type(s.search, "e") // "e": every lead (their emails are at example.*)
	test.Type(s.search, " ") // "e "
	test.Type(s.search, "a") // "e a": only Ada (ada@example.com)
	require.Len(t, queued, 1, "keystrokes during a query wait for it")
	queued[0]() // the query for "e" ends
	assert.Equal(t, 4, s.list.Length(), "the stale result for \"e\" is not shown")
	require.Len(t, queued, 2, "one query for the latest text follows")
	queued[1]()
	assert.Equal(t, 1, s.list.Length())
	assert.Equal(t, "Ada Lovelace — Analytical Engines", rowsOf(t, u)[0].name.Text)
	assert.Equal(t, "Counting matches…", s.counts.Text, "the first page shows before the matches are counted")
	require.Len(t, queued, 3, "then the count")
	queued[2]()
	assert.Equal(t, "1 of 4 leads · 0 prospects · 1 not synced", s.counts.Text)
	assert.Len(t, queued, 3, "nothing more to do")
}

func TestLeadsTapOpensTheLead(t *testing.T) {
	st := newStore(t)
	_, _, leads := demo(t, st)
	u := newTestUI(t, st)

	row := rowsOf(t, u)[1] // Grace Hopper
	test.TapCanvas(u.win.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(row).AddXY(5, 5))
	require.NotNil(t, u.lead)
	assert.Equal(t, leads[2].ID, u.lead.id)
	assert.Equal(t, "grace@example.org", u.lead.email.Text)
	assert.Equal(t, "Prospect", u.lead.stage.text)
	assert.False(t, u.leads.content.Visible(), "the lead covers the list")

	u.onBackTapped()
	assert.True(t, u.leads.content.Visible())
}

func TestLeadsFiltersFoldAwayOnAPhone(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	u := newTestUI(t, st)
	s := u.leads
	if !fyne.CurrentDevice().IsMobile() {
		assert.Nil(t, s.filter, "a desktop shows the filters all the time")
		assert.True(t, s.filters.Visible())
		return
	}
	assert.False(t, s.filters.Visible(), "a phone starts with the list, not the filters")
	test.Tap(s.filter)
	assert.True(t, s.filters.Visible())
	s.stage.SetSelected("Prospect")
	assert.Equal(t, 1, s.list.Length())
	test.Tap(s.filter)
	assert.False(t, s.filters.Visible())
	assert.Equal(t, 1, s.list.Length(), "hiding the filters keeps them applied")
}

// The list loads a page of rows at a time and the next one when it is
// scrolled near the end: it never holds the whole store.
func TestLeadsLoadsPagesAsTheListScrolls(t *testing.T) {
	st := newStore(t)
	ev := addEvent(t, st, "Hannover Messe", "DE")
	const n = leadsPage + 60
	var ls []lead.Lead
	for i := range n {
		l := lead.New(ev.ID, lead.MethodManual, t0.Add(time.Duration(i)*time.Minute))
		l.Contact = lead.Contact{FullName: fmt.Sprintf("Person %03d", i), Emails: []string{fmt.Sprintf("p%d@example.com", i)}}
		ls = append(ls, *l)
	}
	res, err := st.PutLeads(ls)
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	u := newTestUI(t, st)
	s := u.leads
	assert.Equal(t, leadsPage, s.list.Length(), "the first page")
	assert.Equal(t, fmt.Sprintf("%d leads · 0 prospects · %d not synced", n, n), s.counts.Text, "counts cover every lead")
	assert.Equal(t, "Person 259", rowsOf(t, u)[0].name.Text, "newest first")

	s.list.ScrollToBottom()
	assert.Equal(t, n, s.list.Length(), "the next page came when the list neared its end")
	s.list.ScrollToBottom()
	assert.Equal(t, "Person 000", rowsOf(t, u)[len(rowsOf(t, u))-1].name.Text)

	test.Type(s.search, "person 25")
	assert.Equal(t, 10, s.list.Length(), "a new query starts from its first page")
	assert.Equal(t, fmt.Sprintf("10 of %d leads · 0 prospects · 10 not synced", n), s.counts.Text)
}

// navBar finds the arrows and the title of the Leads tab's navigation bar.
func navBar(t *testing.T, u *UI) (back, forward *widget.Button, title *widget.Label) {
	t.Helper()
	walkTree(u.nav, func(o fyne.CanvasObject) bool {
		if o == u.leads.content || slices.ContainsFunc(u.pushed, func(s navScreen) bool { return s.content == o }) {
			return false // a screen, not the bar
		}
		switch x := o.(type) {
		case *widget.Button:
			if x.Icon.Name() == theme.NavigateBackIcon().Name() {
				back = x
			} else if x.Icon.Name() == theme.NavigateNextIcon().Name() {
				forward = x
			}
			return false
		case *widget.Label:
			title = x
			return false
		}
		return true
	})
	require.NotNil(t, back)
	require.NotNil(t, forward)
	require.NotNil(t, title)
	return back, forward, title
}

func TestLeadsNavigationStaysRightAfterBackAndForward(t *testing.T) {
	st := newStore(t)
	_, _, leads := demo(t, st)
	u := newTestUI(t, st)
	back, forward, title := navBar(t, u)
	assert.Equal(t, "Leads", title.Text)
	assert.True(t, back.Disabled(), "the list is the root")
	assert.True(t, forward.Disabled(), "nothing ahead yet")

	u.openLead(leads[0].ID) // Ada
	assert.Equal(t, "Lead", title.Text)
	test.Tap(forward) // nothing ahead
	test.Tap(back)
	assert.True(t, u.leads.content.Visible())
	assert.Equal(t, "Leads", title.Text)
	assert.Nil(t, u.leadOnShow(), "the list is on show")

	// Meanwhile Ada's lead changes: forward shows her as she is now.
	_, err := st.UpdateLead(leads[0].ID, func(l *lead.Lead) error { l.Contact.Organization = "Babbage & Co"; return nil })
	require.NoError(t, err)
	test.Tap(forward)
	test.Tap(forward) // nothing further ahead
	require.NotNil(t, u.leadOnShow())
	assert.Equal(t, leads[0].ID, u.leadOnShow().id)
	assert.Equal(t, "Babbage & Co", u.leadOnShow().org.Text, "not the stale form")
	assert.Equal(t, "Lead", title.Text)
	assert.False(t, back.Disabled(), "back to the list")
	assert.True(t, forward.Disabled(), "nothing ahead")
	assert.False(t, u.leads.content.Visible())

	// Back, then another lead: forward no longer leads to Ada.
	test.Tap(back)
	u.openLead(leads[2].ID) // Grace
	assert.True(t, forward.Disabled())
	test.Tap(back)
	test.Tap(forward)
	assert.Equal(t, leads[2].ID, u.leadOnShow().id)

	// The search shortcut goes back to the list from any depth.
	u.onSearchShortcut()
	assert.True(t, u.leads.content.Visible())
	assert.Equal(t, "Leads", title.Text)
	assert.True(t, back.Disabled())
	assert.Nil(t, u.leadOnShow())
}

// → is enabled only when there is a screen ahead: not after the lead on
// show was deleted (it is gone, and so is what was ahead of it).
func TestLeadsForwardDisabledWhenNothingIsAhead(t *testing.T) {
	st := newStore(t)
	_, _, leads := demo(t, st)
	u := newTestUI(t, st)
	back, forward, title := navBar(t, u)

	u.openLead(leads[0].ID) // Ada
	u.openLead(leads[2].ID) // Grace
	test.Tap(back)
	assert.False(t, forward.Disabled(), "Grace is ahead")
	test.Tap(forward)
	assert.True(t, forward.Disabled(), "nothing ahead of Grace")
	test.Tap(back)
	assert.Equal(t, leads[0].ID, u.leadOnShow().id)

	test.Tap(u.leadOnShow().removal.del)
	_, buttons := overlayTexts(u)
	test.Tap(buttons["Delete"])
	assert.True(t, u.leads.content.Visible(), "back on the list")
	assert.Equal(t, "Leads", title.Text)
	assert.True(t, back.Disabled())
	assert.True(t, forward.Disabled(), "Ada is deleted: nothing to go forward to")
	assert.Nil(t, u.leadOnShow())

	u.openLead(leads[2].ID)
	test.Tap(back)
	assert.False(t, forward.Disabled(), "enabled again once there is")
	test.Tap(forward)
	assert.Equal(t, leads[2].ID, u.leadOnShow().id)
}

// On a phone the report opens over the Leads screen: ← goes back to the
// list, → to the report again, and nothing further. A desktop has it as a
// tab and the Leads screen stays as it was.
func TestLeadsReportOnTheStack(t *testing.T) {
	st := newStore(t)
	demo(t, st)
	u := newTestUI(t, st)
	back, forward, title := navBar(t, u)
	openReport(t, u)
	if !fyne.CurrentDevice().IsMobile() {
		assert.NotSame(t, u.leadsTab, u.tabs.Selected(), "the Report tab")
		assert.Zero(t, u.depth)
		return
	}
	assert.Equal(t, "Report", title.Text)
	assert.True(t, forward.Disabled())
	test.Tap(back)
	assert.True(t, u.leads.content.Visible(), "back on the list")
	assert.Equal(t, "Leads", title.Text)
	assert.False(t, forward.Disabled(), "the report is ahead")
	test.Tap(forward)
	assert.Equal(t, "Report", title.Text)
	assert.False(t, u.leads.content.Visible())
	assert.True(t, forward.Disabled())
}
