package app

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/workflow"
)

// importExtensions are the names of the files an import reads: JSON Lines
// and bundles, as Export and `leadcap export` write them.
var importExtensions = []string{".jsonl", ".bundle", ".ndjson"}

// importButton brings in the exports of the other devices of a fair (JSON
// Lines or bundles), one file after another or every export in a folder,
// through workflow.ImportMerge, the code of `leadcap import`: the same
// person scanned on two devices becomes one lead. What each file did is
// shown in one summary, a line a file.
type importButton struct {
	widget.Button
	s *leadsScreen

	// Only touched on the UI goroutine.
	dlg     *dialog.FileDialog    // the open dialog on show, if any
	summary *dialog.ConfirmDialog // the summary on show, if any
	lines   *fyne.Container       // its lines, one a file
}

func newImportButton(s *leadsScreen) *importButton {
	b := &importButton{s: s}
	b.Text, b.Icon = lang.L("Import…"), theme.DownloadIcon()
	b.OnTapped = b.onTapped
	b.ExtendBaseWidget(b)
	return b
}

// onTapped offers files or a folder under the button.
func (b *importButton) onTapped() {
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	menu := fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("Export files, one after another…"), b.chooseFile),
		fyne.NewMenuItem(lang.L("Every export in a folder…"), b.chooseFolder))
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).AddXY(0, b.Size().Height)
	widget.ShowPopUpMenuAtPosition(menu, c, pos)
}

// chooseFile asks for one export file; the summary offers the next.
func (b *importButton) chooseFile() {
	u := b.s.ui
	b.dlg = dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		b.dlg = nil
		switch {
		case err != nil:
			u.showError(err)
		case r != nil:
			b.importAll([]fyne.URI{r.URI()}, map[fyne.URI]io.ReadCloser{r.URI(): r})
		default: // cancelled: the next import starts a new summary
			b.summary, b.lines = nil, nil
		}
	}, u.win)
	b.dlg.SetTitleText(lang.L("Import leads"))
	b.dlg.SetConfirmText(lang.L("Import"))
	b.dlg.SetFilter(storage.NewExtensionFileFilter(importExtensions))
	b.dlg.Show()
}

// chooseFolder asks for a folder and imports every export in it, in the
// order of their names.
func (b *importButton) chooseFolder() {
	u := b.s.ui
	b.dlg = dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		b.dlg = nil
		switch {
		case err != nil:
			u.showError(err)
		case dir != nil:
			files, err := exportsIn(dir)
			if err != nil {
				u.showError(err)
				return
			}
			if len(files) == 0 {
				dialog.ShowInformation(lang.L("Import leads"), lang.L("{{.Folder}} holds no exports (files ending in .jsonl or .bundle).", map[string]any{"Folder": dir.Name()}), u.win)
				return
			}
			b.importAll(files, nil)
		}
	}, u.win)
	b.dlg.SetTitleText(lang.L("Import every export in a folder"))
	b.dlg.SetConfirmText(lang.L("Import"))
	b.dlg.Show()
}

// exportsIn lists the export files in dir, sorted by name.
func exportsIn(dir fyne.ListableURI) ([]fyne.URI, error) {
	all, err := dir.List()
	if err != nil {
		return nil, err
	}
	var files []fyne.URI
	for _, f := range all {
		if slices.Contains(importExtensions, strings.ToLower(f.Extension())) {
			files = append(files, f)
		}
	}
	slices.SortFunc(files, func(a, b fyne.URI) int { return strings.Compare(a.Name(), b.Name()) })
	return files, nil
}

// importResult is what importing one file did, for its summary line.
type importResult struct {
	name string
	res  workflow.ImportResult
	err  error
}

// importAll imports the files one after another off the UI goroutine
// (opened holds those the dialog opened already) and shows the summary.
func (b *importButton) importAll(files []fyne.URI, opened map[fyne.URI]io.ReadCloser) {
	u, st := b.s.ui, b.s.ui.st
	b.Disable()
	u.background(func() func() {
		var results []importResult
		for _, f := range files {
			r, ok := opened[f]
			if !ok {
				var err error
				if r, err = storage.Reader(f); err != nil {
					results = append(results, importResult{name: f.Name(), err: err})
					continue
				}
			}
			res, err := workflow.ImportMerge(context.Background(), st, r)
			_ = r.Close() // read only: nothing to lose
			results = append(results, importResult{name: f.Name(), res: res, err: err})
		}
		return func() {
			b.Enable()
			b.showSummary(results)
			u.leadsChanged()
			u.office.leadSaved() // the relay sends what came in when the CRM is reachable
		}
	})
}

// showSummary adds a line a file to the summary and shows it; it offers
// the next file, and keeps the lines of the files before.
func (b *importButton) showSummary(results []importResult) {
	if b.summary == nil {
		b.lines = container.NewVBox()
		b.summary = dialog.NewCustomConfirm(lang.L("Import leads"), lang.L("Import another file…"), lang.L("Close"),
			container.NewVScroll(b.lines), func(another bool) {
				if !another {
					b.summary, b.lines = nil, nil
					return
				}
				b.chooseFile() // the summary comes back with one more line
			}, b.s.ui.win)
		b.summary.Resize(fyne.NewSize(560, 320))
	}
	b.summary.Show()
	for _, r := range results {
		line := widget.NewLabel(r.text())
		line.Wrapping = fyne.TextWrapWord
		if r.err != nil {
			line.Importance = widget.DangerImportance
		}
		b.lines.Add(line)
	}
}

// text says what importing the file did: "a.jsonl: created 2, merged 1,
// updated 0, unchanged 3", then conflicts, removals, events and the lines
// that were not imported, when there are any.
func (r importResult) text() string {
	res := r.res
	parts := []string{lang.L("{{.Name}}: created {{.Created}}, merged {{.Merged}}, updated {{.Updated}}, unchanged {{.Unchanged}}",
		map[string]any{"Name": r.name, "Created": thousands(res.Created), "Merged": thousands(res.Merged), "Updated": thousands(res.Updated), "Unchanged": thousands(res.Unchanged)})}
	if res.Conflicts > 0 {
		parts = append(parts, lang.L("conflicts {{.Count}} (the same version with other content, kept as stored)", map[string]any{"Count": thousands(res.Conflicts)}))
	}
	if res.Removed > 0 {
		parts = append(parts, lang.L("removed {{.Count}}", map[string]any{"Count": thousands(res.Removed)}))
	}
	if res.Events > 0 {
		parts = append(parts, lang.L("events created {{.Count}}", map[string]any{"Count": thousands(res.Events)}))
	}
	text := strings.Join(parts, ", ") + "."
	var ie *workflow.ImportError
	switch {
	case errors.As(r.err, &ie):
		var bad []string
		for _, le := range ie.Lines {
			bad = append(bad, lang.L("line {{.Line}}: {{.Err}}", map[string]any{"Line": le.Line, "Err": le.Err.Error()}))
		}
		if ie.More > 0 {
			bad = append(bad, lang.L("and {{.Count}} more", map[string]any{"Count": thousands(ie.More)}))
		}
		text += " " + lang.N("{{.Failed}} line was not imported ({{.Lines}}): fix it and import the file again; the other lines were imported, and a second import adds no duplicates.", ie.Count(),
			map[string]any{"Failed": thousands(ie.Count()), "Lines": strings.Join(bad, "; ")})
	case r.err != nil:
		text = lang.L("{{.Name}} could not be imported: {{.Err}}", map[string]any{"Name": r.name, "Err": r.err.Error()})
	}
	return text
}
