package workflow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
)

// ErrOnlyBadgeID means a badge code holds an organiser's badge reference
// and nothing to reach the person by. A scan saves such a badge as a lead
// that awaits its contact; only a lead that must be reachable at once (one
// typed in and refused by the store) reports it.
var ErrOnlyBadgeID = errors.New("the badge holds only the organiser's badge ID, no name, email or phone: add the person by hand with their email or phone")

// ErrNoImages means the paths given to a scan hold no image files.
var ErrNoImages = errors.New("no PNG, JPEG, GIF or WebP files found: give image files or folders that contain them")

// Capture says who captures leads and how, for SavePayload and ScanFile.
type Capture struct {
	// Method overrides the method Parse chose (qr-scan or badge-scan), e.g.
	// lead.MethodScanner for a handheld scanner. Empty keeps Parse's.
	Method   lead.Method
	Staff    string
	DeviceID string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Dir is the directory relative file paths are read from (ScanFile,
	// ScanFiles); empty: the process's working directory. Results and
	// errors name the files as they were given.
	Dir string
	// Edit, if not nil, changes the new or merged lead before it is saved,
	// in the same transaction (storage AddOrMergeWith): e.g. the
	// qualification, rating, consent or a note the user set while
	// reviewing the scan. Its error saves nothing.
	Edit func(*lead.Lead) error
}

func (c Capture) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Saved is a lead saved from a scanned payload.
type Saved struct {
	Lead lead.Lead
	// Created is false when the same person was already a lead at the
	// event and the scan was merged into that lead instead.
	Created bool
	Format  capture.Format
	// NotTaken is what the payload held but the lead did not take over
	// (capture.Parsed.NotTaken), for the review form and CLI warnings.
	NotTaken []capture.NotTaken
}

// SavePayload parses a QR or scanner payload with the event's country as the
// phone region and the event's badge pattern (capture.ParseWith) and saves
// it as a lead of ev, raw payload and badge ID kept. Values the payload held
// but the contact could not take over are in Saved.NotTaken; they do not
// stop the save.
// The same person at the same event is merged into the existing lead
// (storage AddOrMerge) instead of adding a duplicate; c.Edit is applied to
// the new or merged lead. It is one transaction: on any error nothing is
// saved. Errors: those of capture.Parse (a
// *capture.NotAContactError, a wrapped *lead.FieldError), ErrOnlyBadgeID,
// and the store's.
func SavePayload(s *storage.Store, ev lead.Event, payload string, c Capture) (Saved, error) {
	p, err := capture.ParseWith(payload, capture.Options{Region: ev.Country, Badge: ev.Badge})
	if err != nil {
		return Saved{}, fmt.Errorf("workflow: scan: %w", err)
	}
	return SaveParsed(s, ev, p, c)
}

// SaveParsed saves what capture.Parse read, as SavePayload does.
func SaveParsed(s *storage.Store, ev lead.Event, p capture.Parsed, c Capture) (Saved, error) {
	l, err := scannedLead(s, ev, p, c)
	if err != nil {
		return Saved{}, err
	}
	saved, created, err := s.AddOrMergeWith(l, c.Edit)
	if err != nil {
		return Saved{}, fmt.Errorf("workflow: scan: save: %w", err)
	}
	return Saved{Lead: saved, Created: created, Format: p.Format, NotTaken: p.NotTaken}, nil
}

// scannedLead is the new lead of ev that a parsed payload makes, not yet
// stored; an unreachable contact is an error, except for a badge ID alone:
// it is filled from the event's attendee list when the list has it, and
// otherwise waits for its contact (lead.Lead.AwaitsContact).
func scannedLead(s *storage.Store, ev lead.Event, p capture.Parsed, c Capture) (*lead.Lead, error) {
	if !p.Reachable() && p.BadgeID == "" {
		return nil, fmt.Errorf("workflow: scan: %w", p.Contact.Reachable())
	}
	method := p.Method
	if c.Method != "" {
		method = c.Method
	}
	l := lead.New(ev.ID, method, c.now())
	l.Contact = p.Contact
	l.RawPayload = p.Payload
	l.BadgeID = p.BadgeID
	l.CapturedBy = strings.TrimSpace(c.Staff)
	l.DeviceID = c.DeviceID
	if err := fillFromAttendees(s, ev, l); err != nil {
		return nil, err
	}
	return l, nil
}

// FileResult is what a scan did with one image.
type FileResult struct {
	File string
	// Codes is how many QR codes the image held.
	Codes int
	// Saved are the leads saved from them, in the order of the codes.
	Saved []Saved
	// Err is why nothing was saved from the file: the image could not be
	// read, held no code, or no code held a contact. Nil when something was
	// saved.
	Err error
	// Skipped are the errors of codes that were not saved while others
	// were (e.g. a Wi-Fi code next to a business card).
	Skipped []error
	// Decode is the decoding time, file reading excluded.
	Decode time.Duration
}

// Status is "new" when the file gave at least one new lead, "updated" when
// it only updated known leads, "failed" when nothing was saved.
func (r FileResult) Status() string {
	switch {
	case r.Err != nil || len(r.Saved) == 0:
		return "failed"
	case slices.ContainsFunc(r.Saved, func(s Saved) bool { return s.Created }):
		return "new"
	}
	return "updated"
}

// ScanFile decodes every QR code in the image at path and saves each one
// that holds a contact with SavePayload. A code that fails never leaves a
// half-saved lead.
func ScanFile(s *storage.Store, ev lead.Event, path string, c Capture) FileResult {
	r := FileResult{File: path}
	codes, took, err := DecodeFileIn(c.Dir, path)
	r.Decode, r.Codes = took, len(codes)
	if err != nil {
		r.Err = err
		return r
	}
	var errs []error
	for _, code := range codes {
		saved, err := SavePayload(s, ev, code.Text, c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.Saved = append(r.Saved, saved)
	}
	switch {
	case len(r.Saved) == 0 && len(errs) > 0:
		r.Err = errs[0]
	case len(r.Saved) == 0:
		r.Err = capture.ErrNoCode
	default:
		r.Skipped = errs
	}
	return r
}

// ScanSummary counts the files of a scan by Status.
type ScanSummary struct {
	Files, New, Updated, Failed int
	// Results has one entry per file, in order.
	Results []FileResult
}

// ScanFiles scans image files and folders (folders recursively, images by
// extension: .png, .jpg, .jpeg, .gif, .webp) into leads of ev. progress, if
// not nil, is called after each file with the number done, the total and
// the file's result. It stops between files when ctx is cancelled.
func ScanFiles(ctx context.Context, s *storage.Store, ev lead.Event, paths []string, c Capture, progress func(done, total int, r FileResult)) (ScanSummary, error) {
	files, err := ImageFilesIn(c.Dir, paths)
	if err != nil {
		return ScanSummary{}, err
	}
	sum := ScanSummary{Files: len(files)}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		r := ScanFile(s, ev, f, c)
		switch r.Status() {
		case "new":
			sum.New++
		case "updated":
			sum.Updated++
		default:
			sum.Failed++
		}
		sum.Results = append(sum.Results, r)
		if progress != nil {
			progress(i+1, len(files), r)
		}
	}
	return sum, nil
}

// ErrNotRegular means a path given as an image names a pipe, socket,
// device or folder.
var ErrNotRegular = errors.New("is not an image file but a pipe, socket, device or folder: give a PNG, JPEG, GIF or WebP file")

// DecodeFile is capture.DecodeFile for regular files only: reading a pipe
// would block until a writer came (and with it Ctrl-C), a device would
// never end.
func DecodeFile(path string) ([]capture.Code, time.Duration, error) {
	return DecodeFileIn("", path)
}

// DecodeFileIn is DecodeFile with a relative path read from dir (empty:
// the process's working directory); errors name path as it was given.
func DecodeFileIn(dir, path string) ([]capture.Code, time.Duration, error) {
	full := inDir(dir, path)
	if fi, err := os.Stat(full); err == nil && !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s %w", path, ErrNotRegular)
	}
	// capture.DecodeFile, with the file's name as given in its errors.
	f, err := os.Open(full)
	if err != nil {
		return nil, 0, fmt.Errorf("capture: %w", asGiven(err, full, path))
	}
	defer f.Close()
	codes, took, err := capture.DecodeReader(f)
	if err != nil {
		return nil, took, fmt.Errorf("capture: %s: %w", path, err)
	}
	return codes, took, nil
}

// inDir is path read from dir: joined to it when path is relative and dir
// is not empty, else path as it is.
func inDir(dir, path string) string {
	if dir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// asGiven puts the name as given (given) back into a file error about full
// (or a file below it), so that a message shows what the user typed.
func asGiven(err error, full, given string) error {
	var pe *fs.PathError
	if full == given || !errors.As(err, &pe) {
		return err
	}
	rest, ok := strings.CutPrefix(pe.Path, full)
	if !ok || (rest != "" && rest[0] != filepath.Separator) {
		return err
	}
	name := given
	if rest != "" {
		name = filepath.Join(given, rest)
	}
	return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
}

var imageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".webp"}

// imageEntry reports whether a folder entry with an image name is scanned:
// a regular file, or a symbolic link to one (followed). A broken link is
// taken too, so that its scan fails with the reason instead of the file
// being skipped without a word; a link to a pipe or device is not (reading
// it would block).
func imageEntry(path string, d fs.DirEntry) bool {
	if d.Type().IsRegular() {
		return true
	}
	if d.Type()&fs.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(path)
	return err != nil || fi.Mode().IsRegular()
}

// ImageFiles expands paths: a file is taken as it is (whatever its name),
// a folder gives the image files below it, sorted. A path that does not
// exist is an error; no image at all is ErrNoImages.
func ImageFiles(paths []string) ([]string, error) { return ImageFilesIn("", paths) }

// ImageFilesIn is ImageFiles with relative paths read from dir (empty: the
// process's working directory). The files are named as given: a folder's
// files below the folder's name as it was given, relative when it was.
func ImageFilesIn(dir string, paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		full := inDir(dir, p)
		st, err := os.Stat(full)
		if err != nil {
			return nil, fmt.Errorf("workflow: scan: %w", asGiven(err, full, p))
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(full, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if slices.Contains(imageExts, strings.ToLower(filepath.Ext(path))) && imageEntry(path, d) {
				name := path
				if full != p {
					name = filepath.Join(p, strings.TrimPrefix(path, full))
				}
				found = append(found, name)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("workflow: scan: %w", asGiven(err, full, p))
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	if len(files) == 0 {
		return nil, ErrNoImages
	}
	return files, nil
}
