package app

import (
	"errors"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/lead"
	"leadcap/storage"
)

// Settings keys of who is working (non-secret).
const (
	settingStaff  = "staff.name"
	settingDevice = "device.name"
)

// eventScreen creates or picks the active event and says who is working.
// It is shown on first start, when there is no active event, and when the
// event chip at the top of Capture is tapped.
type eventScreen struct {
	ui *UI

	pick                              *widget.Select // an existing event, or a new one
	name, venue, city, country, booth *widget.Entry
	start, end                        *dateEntry
	staff, device                     *widget.Entry
	form                              fyne.CanvasObject // see formRows
	message                           *widget.Label
	use                               *widget.Button
	cancel                            *widget.Button
	attendees                         *attendeeImport // see attendees.go
	questions                         *questionEditor // see questions.go
	content                           fyne.CanvasObject

	// Only touched on the UI goroutine.
	events []lead.Event
	// defaultCountry (Settings) is the country a new event starts with.
	defaultCountry string
	// done is called with the event that became active.
	done func(lead.Event)
}

func newEventScreen(u *UI, done func(lead.Event)) *eventScreen {
	s := &eventScreen{ui: u, done: done}
	s.pick = widget.NewSelect([]string{lang.L("New event")}, nil)
	s.pick.SetSelectedIndex(0)
	s.pick.OnChanged = func(string) { s.onPicked() }
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("e.g. Hannover Messe 2027"))
	s.venue = widget.NewEntry()
	s.city = widget.NewEntry()
	s.country = widget.NewEntry()
	s.country.SetPlaceHolder(lang.L("e.g. DE"))
	s.booth = widget.NewEntry()
	s.start = newDateEntry()
	s.end = newDateEntry()
	s.end.openOn = func() time.Time { return dateOf(s.start) } // the month the event starts
	s.staff = widget.NewEntry()
	s.staff.SetPlaceHolder(lang.L("Your name"))
	s.device = widget.NewEntry()
	for _, e := range []*widget.Entry{s.name, s.venue, s.city, s.country, s.booth, s.staff, s.device} {
		e.OnSubmitted = func(string) { s.onUseTapped() }
	}
	s.form = formRows(
		widget.NewFormItem(lang.L("Event"), s.pick),
		widget.NewFormItem(lang.L("Name"), s.name),
		widget.NewFormItem(lang.L("Venue"), s.venue),
		widget.NewFormItem(lang.L("City"), s.city),
		&widget.FormItem{Text: lang.L("Country"), Widget: s.country, HintText: lang.L("Two letters; phone numbers without a country code are read in this country")},
		widget.NewFormItem(lang.L("Booth"), s.booth),
		widget.NewFormItem(lang.L("Starts"), s.start),
		widget.NewFormItem(lang.L("Ends"), s.end),
	)
	who := formRows(
		widget.NewFormItem(lang.L("Staff name"), s.staff),
		&widget.FormItem{Text: lang.L("Device"), Widget: s.device, HintText: lang.L("Tells apart the leads of several devices at one booth")},
	)
	s.message = widget.NewLabel(lang.L("Loading…"))
	s.message.Wrapping = fyne.TextWrapWord
	s.use = widget.NewButtonWithIcon(lang.L("Start capturing"), theme.ConfirmIcon(), s.onUseTapped)
	s.use.Importance = widget.HighImportance
	s.use.Disable()
	s.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), s.onCancelTapped)
	s.cancel.Hide()
	s.attendees = newAttendeeImport(u)
	s.questions = newQuestionEditor(u)
	title := widget.NewLabelWithStyle(lang.L("Which event are you at, and who is working?"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(title,
		widget.NewCard(lang.L("Event"), "", container.NewVBox(s.form, s.attendees.content)),
		widget.NewCard(lang.L("Who is working"), "", who),
		widget.NewCard(lang.L("Questions of this event"), "", s.questions.content))
	bar := actionBar(s.message, s.cancel, s.use)
	if fyne.CurrentDevice().IsMobile() {
		// The message above the buttons; the main one takes the width,
		// Cancel is a square with its icon beside it.
		s.cancel.SetText("")
		bar = container.NewPadded(container.NewVBox(s.message,
			container.NewBorder(nil, nil, nil, container.New(atLeast(fyne.NewSquareSize(touchHeight)), s.cancel), tall(s.use))))
	}
	s.content = container.NewBorder(nil, bar, nil, nil, container.NewVScroll(body))
	return s
}

// eventLoaded is what a background load of the event screen hands back.
type eventLoaded struct {
	events        []lead.Event
	active        lead.Event
	hasActive     bool
	staff, device string
	country       string // the default country of new events
	err           error
}

func loadEvents(st *storage.Store) eventLoaded {
	var r eventLoaded
	if r.events, r.err = st.Events(); r.err != nil {
		return r
	}
	active, err := st.ActiveEvent()
	switch {
	case err == nil:
		r.active, r.hasActive = active, true
	case !errors.Is(err, storage.ErrNoActiveEvent):
		r.err = err
		return r
	}
	if r.staff, r.err = st.Setting(settingStaff); r.err != nil {
		return r
	}
	if r.device, r.err = st.Setting(settingDevice); r.err != nil {
		return r
	}
	if r.device == "" {
		r.device, _ = os.Hostname()
	}
	r.country, r.err = st.Setting(SettingDefaultCountry)
	return r
}

// load reads the events and who is working in the background; canCancel
// says whether there is an active event to go back to.
func (s *eventScreen) load() {
	st := s.ui.st
	s.ui.background(func() func() {
		r := loadEvents(st)
		return func() { s.show(r) }
	})
}

func (s *eventScreen) show(r eventLoaded) {
	if r.err != nil {
		s.message.SetText(userMessage(r.err))
		return
	}
	s.events, s.defaultCountry = r.events, r.country
	opts := []string{lang.L("New event")}
	for _, ev := range r.events {
		opts = append(opts, eventLabel(ev))
	}
	s.pick.Options = opts
	s.pick.Refresh()
	if r.staff == "" {
		r.staff = s.ui.opts.Staff
	}
	s.staff.SetText(r.staff)
	s.device.SetText(r.device)
	if r.hasActive {
		s.cancel.Show()
		for i, ev := range r.events {
			if ev.ID == r.active.ID {
				s.pick.SetSelectedIndex(i + 1)
			}
		}
		s.message.SetText(lang.L("Pick another event or change this one."))
	} else {
		s.cancel.Hide()
		s.pick.SetSelectedIndex(0)
		s.onPicked()
		if len(r.events) > 0 {
			s.message.SetText(lang.L("Pick the event or create a new one."))
		} else {
			s.message.SetText(lang.L("Create the event to start capturing leads."))
		}
	}
	s.use.Enable()
}

// eventLabel names an event in the picker: its name, city and start date.
func eventLabel(ev lead.Event) string {
	parts := []string{ev.Name}
	if ev.City != "" {
		parts = append(parts, ev.City)
	}
	if !ev.Start.IsZero() {
		parts = append(parts, formatDate(ev.Start))
	}
	return strings.Join(parts, " · ")
}

// picked returns the existing event chosen in the picker, if any.
func (s *eventScreen) picked() (lead.Event, bool) {
	if i := s.pick.SelectedIndex(); i > 0 && i <= len(s.events) {
		return s.events[i-1], true
	}
	return lead.Event{}, false
}

// onPicked fills the form from the chosen event, or empties it for a new
// one, which starts in the default country.
func (s *eventScreen) onPicked() {
	ev, existing := s.picked()
	s.attendees.setEvent(ev, existing)
	s.questions.setEvent(ev, existing)
	if !existing {
		ev.Country = s.defaultCountry
	}
	s.name.SetText(ev.Name)
	s.venue.SetText(ev.Venue)
	s.city.SetText(ev.City)
	s.country.SetText(ev.Country)
	s.booth.SetText(ev.Booth)
	s.start.SetDate(datePtr(ev.Start))
	s.end.SetDate(datePtr(ev.End))
	if ev.Name == "" {
		s.use.SetText(lang.L("Create and start capturing"))
	} else {
		s.use.SetText(lang.L("Start capturing"))
	}
}

func datePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func dateOf(d *dateEntry) time.Time {
	if d.Date == nil {
		return time.Time{}
	}
	return *d.Date
}

func (s *eventScreen) onUseTapped() {
	if s.use.Disabled() {
		return
	}
	ev, existing := s.picked()
	ev.Name, ev.Venue, ev.City = strings.TrimSpace(s.name.Text), strings.TrimSpace(s.venue.Text), strings.TrimSpace(s.city.Text)
	ev.Country, ev.Booth = strings.TrimSpace(s.country.Text), strings.TrimSpace(s.booth.Text)
	ev.Start, ev.End = dateOf(s.start), dateOf(s.end)
	staff, device := strings.TrimSpace(s.staff.Text), strings.TrimSpace(s.device.Text)
	for _, d := range []*dateEntry{s.start, s.end} {
		if err := d.Validate(); err != nil {
			s.showMessage(err.Error(), true)
			return
		}
	}
	if staff == "" {
		s.showMessage(lang.L("Say who is working: your name goes on every lead you capture."), true)
		return
	}
	s.use.Disable()
	st := s.ui.st
	s.ui.background(func() func() {
		err := saveEvent(st, &ev, existing, staff, device)
		return func() {
			s.use.Enable()
			if err != nil {
				s.showMessage(eventMessage(err), true)
				return
			}
			s.ui.opts.Staff, s.ui.device = staff, device
			s.showMessage("", false)
			s.done(ev)
		}
	})
}

// saveEvent creates or updates the event, makes it the active one and
// stores who is working.
func saveEvent(st *storage.Store, ev *lead.Event, existing bool, staff, device string) error {
	var err error
	if existing {
		err = st.UpdateEvent(ev)
	} else {
		err = st.CreateEvent(ev)
	}
	if err == nil {
		err = st.SetActiveEvent(ev.ID)
	}
	if err == nil {
		err = st.SetSetting(settingStaff, staff)
	}
	if err == nil {
		err = st.SetSetting(settingDevice, device)
	}
	return err
}

func (s *eventScreen) onCancelTapped() {
	s.done(lead.Event{})
}

func (s *eventScreen) showMessage(text string, bad bool) {
	s.message.Importance = widget.MediumImportance
	if bad {
		s.message.Importance = widget.DangerImportance
	}
	s.message.SetText(text)
}

// eventMessage explains why an event could not be saved.
func eventMessage(err error) string {
	var fe *lead.FieldError
	if errors.As(err, &fe) {
		switch fe.Field {
		case "name":
			return lang.L("Give the event a name.")
		case "country":
			return lang.L("{{.Value}} is not a country code: use two letters such as DE, AT, CH, US or FR.", map[string]any{"Value": fe.Value})
		case "end":
			return lang.L("The event ends before it starts: check the dates.")
		}
	}
	return userMessage(err)
}

// eventChip returns the bar at the top of Capture that names the active
// event and opens the event screen: switching events is one tap away.
func eventChip(tapped func()) *chipButton {
	c := &chipButton{Text: lang.L("Choose event")}
	c.button = widget.NewButtonWithIcon("", theme.MenuDropDownIcon(), tapped)
	c.button.Alignment = widget.ButtonAlignTrailing
	c.label = widget.NewLabelWithStyle(c.Text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

// chipButton looks and acts like a button with its icon at the trailing
// edge, but its text is cut with an ellipsis where it does not fit, as an
// event's name, booth and staff do not on a phone; a button would make the
// whole screen as wide as its text.
type chipButton struct {
	widget.BaseWidget

	// Text is what it says; change it with SetText.
	Text string

	button *widget.Button // the background, hover, focus, tap and icon
	label  *widget.Label
}

// SetText changes what the chip says.
func (c *chipButton) SetText(text string) {
	c.Text = text
	c.label.SetText(text)
}

// Tapped acts as a tap on the button.
func (c *chipButton) Tapped(*fyne.PointEvent) {
	if c.button.OnTapped != nil {
		c.button.OnTapped()
	}
}

func (c *chipButton) CreateRenderer() fyne.WidgetRenderer {
	th := c.Theme()
	icon := th.Size(theme.SizeNameInlineIcon) + 2*th.Size(theme.SizeNameInnerPadding)
	// The text fills the width left of the icon, in the middle of the height.
	text := container.New(layout.NewCustomPaddedLayout(0, 0, 0, icon),
		container.NewVBox(layout.NewSpacer(), c.label, layout.NewSpacer()))
	var height float32
	if fyne.CurrentDevice().IsMobile() {
		height = touchHeight
	}
	return widget.NewSimpleRenderer(container.New(atLeast{Height: height}, c.button, text))
}

// chipText is what the event chip says: the event, its booth, who works.
func chipText(ev lead.Event, staff string) string {
	t := ev.Name
	if ev.Booth != "" {
		t += " · " + lang.L("Booth {{.Booth}}", map[string]any{"Booth": ev.Booth})
	}
	if staff != "" {
		t += " · " + staff
	}
	return t
}
