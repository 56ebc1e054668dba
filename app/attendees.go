package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// attendeeImport is the Event screen's compact row that imports the
// organiser's attendee list of the picked event (workflow.ImportAttendees):
// badge scans that hold only a badge ID get their contact from it, now and
// when scanned later.
type attendeeImport struct {
	ui      *UI
	button  *widget.Button
	result  *widget.Label
	content fyne.CanvasObject

	// Only touched on the UI goroutine.
	event    lead.Event
	hasEvent bool
}

func newAttendeeImport(u *UI) *attendeeImport {
	a := &attendeeImport{ui: u}
	a.button = widget.NewButtonWithIcon(lang.L("Import attendee list…"), theme.FolderOpenIcon(), a.onImportTapped)
	a.result = widget.NewLabel(lang.L("Fills badge scans that hold only a badge ID (CSV from the organiser)."))
	a.result.Wrapping = fyne.TextWrapWord
	a.content = container.NewBorder(nil, nil, nil, a.button, a.result)
	a.setEvent(lead.Event{}, false)
	return a
}

// setEvent says which stored event the list is for; none disables it.
func (a *attendeeImport) setEvent(ev lead.Event, ok bool) {
	a.event, a.hasEvent = ev, ok
	if ok {
		a.button.Enable()
	} else {
		a.button.Disable()
	}
}

func (a *attendeeImport) onImportTapped() {
	d := dialog.NewFileOpen(a.onFileChosen, a.ui.win)
	d.SetTitleText(lang.L("Open the attendee list"))
	d.SetFilter(fynestorage.NewExtensionFileFilter([]string{".csv", ".txt", ".CSV"}))
	d.Show()
}

// onFileChosen reads and imports the chosen list in the background.
func (a *attendeeImport) onFileChosen(r fyne.URIReadCloser, err error) {
	if err != nil {
		a.show(userMessage(err), true)
		return
	}
	if r == nil || !a.hasEvent {
		return // cancelled
	}
	ev := a.event
	a.button.Disable()
	a.show(lang.L("Importing the attendee list…"), false)
	a.ui.background(func() func() {
		defer r.Close()
		msg, bad := importAttendees(a.ui.st, ev, r)
		return func() {
			a.button.Enable()
			a.show(msg, bad)
			if !bad {
				a.ui.leadsChanged() // badge scans got their contacts
			}
		}
	})
}

// importAttendees reads and imports a list and says what it did.
func importAttendees(st *storage.Store, ev lead.Event, r fyne.URIReadCloser) (msg string, bad bool) {
	list, err := workflow.ReadAttendees(r, ev.Country)
	if err != nil {
		return lang.L("The attendee list could not be read: {{.Err}}", map[string]any{"Err": err.Error()}), true
	}
	rep, err := workflow.ImportAttendees(st, ev, list.Attendees)
	if err != nil {
		return userMessage(err), true
	}
	msg = lang.L("{{.Listed}} attendees loaded: {{.Matched}} badge scans filled and queued for the CRM, {{.Unmatched}} still wait for their contact.",
		map[string]any{"Listed": rep.Listed, "Matched": len(rep.Matched), "Unmatched": len(rep.Unmatched)})
	if len(rep.Unmatched) > 0 {
		msg += " " + lang.L("Not on the list: {{.Badges}}", map[string]any{"Badges": strings.Join(rep.Unmatched, ", ")})
	}
	return msg, false
}

func (a *attendeeImport) show(msg string, bad bool) {
	a.result.Importance = widget.MediumImportance
	if bad {
		a.result.Importance = widget.DangerImportance
	}
	a.result.SetText(msg)
}
