package app

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Dates are shown in the user's language (German 20.04.2027; ISO
// 2027-04-20 otherwise, which no English reader misreads) and typed in
// that format, in ISO or in the locale's own format (04/20/2027 in the
// US, 20/04/2027 in Britain).

// exampleDate is the date the hints show.
var exampleDate = time.Date(2027, 4, 20, 0, 0, 0, 0, time.UTC)

// localeParts splits the system locale into language and region, e.g.
// "de", "AT".
func localeParts() (language, region string) {
	language, region, _ = strings.Cut(lang.SystemLocale().LanguageString(), "-")
	return strings.ToLower(language), strings.ToUpper(region)
}

// displayDateLayout is how dates are shown.
func displayDateLayout() string {
	if language, _ := localeParts(); language == "de" {
		return "02.01.2006"
	}
	return time.DateOnly
}

// localeDateLayout is the locale's own way of writing a date.
func localeDateLayout() string {
	language, region := localeParts()
	switch {
	case language == "de" || region == "DE" || region == "AT" || region == "CH":
		return "02.01.2006"
	case region == "US" || language == "en" && region == "":
		return "01/02/2006"
	case language == "en" || language == "fr" || language == "es" || language == "it":
		return "02/01/2006"
	}
	return time.DateOnly
}

// formatDate shows a date in the user's language.
func formatDate(t time.Time) string { return t.Format(displayDateLayout()) }

// formatDateTime shows a moment, in local time, in the user's language.
func formatDateTime(t time.Time) string { return t.Local().Format(displayDateLayout() + " 15:04") }

// dateExample is how a date is written: the hint of a date field.
func dateExample() string {
	ex := formatDate(exampleDate)
	if alt := exampleDate.Format(localeDateLayout()); alt != ex {
		ex = lang.L("{{.Date}} or {{.Other}}", map[string]any{"Date": ex, "Other": alt})
	}
	return ex
}

// errDateFormat is shown for a date that cannot be read; the message says
// how to write one.
func errDateFormat() error {
	return errors.New(lang.L("Write the date as {{.Example}}.", map[string]any{"Example": dateExample()}))
}

// parseDate reads a typed date: ISO or the locale's format, with or
// without leading zeros. An empty text is no date and no error.
func parseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	local := localeDateLayout()
	short := strings.NewReplacer("02", "2", "01", "1").Replace(local)
	for _, layout := range []string{time.DateOnly, displayDateLayout(), local, short} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, nil
		}
	}
	return nil, errDateFormat()
}

// validateDate is the inline check of a date field.
func validateDate(s string) error {
	_, err := parseDate(s)
	return err
}

// dateEntry is a date field: typed (see parseDate) or picked in a calendar
// that opens on the field's date, else on the month openOn gives (the
// event's), else on today's. An empty field is valid: no date.
type dateEntry struct {
	widget.Entry

	// Date is the date in the field, nil when it is empty or cannot be read.
	Date *time.Time
	// openOn gives the month the calendar opens on when the field is
	// empty; nil or a zero time means today.
	openOn func() time.Time
	// changed, if set, is called after the text changed.
	changed func()

	calendar *widget.Button
	popUp    *widget.PopUp
}

func newDateEntry() *dateEntry {
	e := &dateEntry{}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder(dateExample())
	e.Validator = validateDate
	e.Entry.OnChanged = func(s string) {
		e.Date, _ = parseDate(s)
		if e.changed != nil {
			e.changed()
		}
	}
	e.calendar = widget.NewButtonWithIcon("", theme.Icon(theme.IconNameCalendar), e.openCalendar)
	e.calendar.Importance = widget.LowImportance
	e.ActionItem = e.calendar
	return e
}

// SetDate shows a date, or empties the field for nil.
func (e *dateEntry) SetDate(d *time.Time) {
	if d == nil {
		e.SetText("")
		return
	}
	e.SetText(formatDate(*d))
}

// Enable enables the field and its calendar button.
func (e *dateEntry) Enable() {
	e.calendar.Enable()
	e.Entry.Enable()
}

// Disable disables the field and its calendar button.
func (e *dateEntry) Disable() {
	e.calendar.Disable()
	e.Entry.Disable()
}

// month is where the calendar opens.
func (e *dateEntry) month() time.Time {
	if e.Date != nil {
		return *e.Date
	}
	if e.openOn != nil {
		if t := e.openOn(); !t.IsZero() {
			return t
		}
	}
	return time.Now()
}

func (e *dateEntry) openCalendar() {
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return
	}
	cal := widget.NewCalendar(e.month(), func(t time.Time) {
		e.SetDate(&t)
		if e.popUp != nil {
			e.popUp.Hide()
		}
	})
	e.popUp = widget.NewPopUp(cal, c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e)
	e.popUp.ShowAtPosition(pos.AddXY(0, e.Size().Height))
	e.popUp.Resize(fyne.NewSize(max(e.Size().Width, cal.MinSize().Width), cal.MinSize().Height))
}
