package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/storage"
	"leadcap/workflow"
)

// countsBar is the line above the list with the Import and Export buttons
// beside the counts: Export exports the leads the search and filters show,
// Import brings in other devices' exports (import.go). A phone has no
// room for both beside the counts: they go in a row of their own below,
// with the report button.
func (s *leadsScreen) countsBar() fyne.CanvasObject {
	buttons := container.NewHBox(newImportButton(s), newExportButton(s))
	if fyne.CurrentDevice().IsMobile() {
		buttons.Add(s.ui.reportButton())
		return container.NewVBox(s.counts, container.NewBorder(nil, nil, nil, buttons))
	}
	return container.NewBorder(nil, nil, nil, buttons, s.counts)
}

// exportButton offers the leads on the list (search and filters applied)
// as CSV, vCard or JSON Lines, saved with the platform's save dialog
// through workflow.Export, the same code as `leadcap export`.
type exportButton struct {
	widget.Button
	s *leadsScreen
	// dlg is the save dialog on show, if any.
	dlg *dialog.FileDialog
}

func newExportButton(s *leadsScreen) *exportButton {
	b := &exportButton{s: s}
	b.Text, b.Icon = lang.L("Export…"), theme.DocumentSaveIcon()
	b.OnTapped = b.onTapped
	b.ExtendBaseWidget(b)
	return b
}

// exportFormats are the choices of the Export menu, in order.
var exportFormats = []workflow.Format{workflow.FormatCSV, workflow.FormatVCard, workflow.FormatJSONL}

func formatLabel(f workflow.Format) string {
	switch f {
	case workflow.FormatCSV:
		return lang.L("CSV, for the import of a CRM")
	case workflow.FormatVCard:
		return lang.L("vCard, for an address book")
	}
	return lang.L("JSON Lines, complete, to import into leadcap")
}

// onTapped shows the formats under the button.
func (b *exportButton) onTapped() {
	var items []*fyne.MenuItem
	for _, f := range exportFormats {
		items = append(items, fyne.NewMenuItem(formatLabel(f), func() { b.chooseFile(f) }))
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).AddXY(0, b.Size().Height)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos)
}

// chooseFile asks where to save the leads the list shows, in format f.
func (b *exportButton) chooseFile(f workflow.Format) {
	q := b.s.query()
	q.Limit, q.Offset, q.Cursor = 0, 0, ""
	u := b.s.ui
	b.dlg = dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		b.dlg = nil
		switch {
		case err != nil:
			u.showError(err)
		case w != nil:
			b.write(w, f, q)
		}
	}, u.win)
	b.dlg.SetTitleText(lang.L("Export the leads"))
	b.dlg.SetFileName(exportFileName(u.opts.Now().Format("2006-01-02"), f))
	b.dlg.Show()
}

// exportFileName suggests a name: leads-2026-04-20.csv.
func exportFileName(day string, f workflow.Format) string {
	return fmt.Sprintf("leads-%s.%s", day, f)
}

// write exports the leads matching q into w, off the UI goroutine, and
// says how many it wrote.
func (b *exportButton) write(w fyne.URIWriteCloser, f workflow.Format, q storage.Query) {
	u, st := b.s.ui, b.s.ui.st
	u.background(func() func() {
		n, err := exportTo(w, st, f, q)
		return func() {
			if err != nil {
				u.showError(err)
				return
			}
			dialog.ShowInformation(lang.L("Export"), lang.N("Exported {{.Count}} lead to {{.Name}}.", n, map[string]any{"Count": thousands(n), "Name": w.URI().Name()}), u.win)
		}
	})
}

// exportTo writes the export into the file w names (see saveTo: a local
// file through a temporary file and a rename, never over the database)
// and closes w; an export that failed half-way says so.
func exportTo(w fyne.URIWriteCloser, st *storage.Store, f workflow.Format, q storage.Query) (int, error) {
	var n int
	err := saveTo(st, w, func(out io.Writer) (err error) {
		n, err = workflow.Export(context.Background(), st, out, f, q)
		return err
	})
	if errors.Is(err, storage.ErrOwnFile) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", strings.TrimSpace(lang.L("The export is incomplete: save it again.")), err)
	}
	return n, nil
}
