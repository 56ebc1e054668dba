package workflow

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// ErrBadRecord means a JSON Lines record is not a lead leadcap can import.
// It comes wrapped in a *LineError that names the line.
var ErrBadRecord = errors.New("not a leadcap lead record")

// ErrLineTooLong means an import line is longer than MaxLineBytes. It comes
// wrapped in a *LineError; the line is skipped without being held in memory.
var ErrLineTooLong = errors.New("the line is longer than 4 MiB: a leadcap lead is a few kilobytes; this is not a file written by 'leadcap export --format jsonl', or it lost its line breaks")

// MaxLineBytes is the longest import line read: a lead with long notes is
// some kilobytes, so a longer line is not a lead, and holding it would cost
// memory out of all proportion.
const MaxLineBytes = 4 << 20

// readLine reads one line (with its '\n') into buf, keeping at most
// MaxLineBytes of it; size is the line's full length. A longer line is
// read through and dropped, a bufio buffer at a time.
func readLine(br *bufio.Reader, buf []byte) (line []byte, size int64, err error) {
	for {
		frag, err := br.ReadSlice('\n')
		size += int64(len(frag))
		if size <= MaxLineBytes {
			buf = append(buf, frag...)
		} else {
			buf = buf[:0]
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return buf, size, err
		}
	}
}

// LineError is an import error on one line of the input. Nothing of that
// line was saved.
type LineError struct {
	Line int   // 1-based
	Err  error // what is wrong, phrased for the user
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ImportError lists the lines an import skipped. errors.As finds the first
// *LineError in it.
type ImportError struct {
	Lines []*LineError // the first few bad lines, in order
	More  int          // bad lines not listed
}

// maxLineErrors is how many bad lines an ImportError lists.
const maxLineErrors = 10

func (e *ImportError) Error() string {
	var b strings.Builder
	for i, le := range e.Lines {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(le.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "; and %d more bad lines", e.More)
	}
	return b.String()
}

// Unwrap returns the line errors, so errors.Is and errors.As look into them.
func (e *ImportError) Unwrap() []error {
	errs := make([]error, len(e.Lines))
	for i, le := range e.Lines {
		errs[i] = le
	}
	return errs
}

// Count is the number of bad lines.
func (e *ImportError) Count() int { return len(e.Lines) + e.More }

// badLines collects the bad lines of an import; they arrive out of order
// (a record is refused when it is read, a lead when its batch is saved).
type badLines []*LineError

// err returns the ImportError with the first maxLineErrors lines in order.
func (b badLines) err() *ImportError {
	slices.SortFunc(b, func(x, y *LineError) int { return x.Line - y.Line })
	if len(b) <= maxLineErrors {
		return &ImportError{Lines: b}
	}
	return &ImportError{Lines: b[:maxLineErrors], More: len(b) - maxLineErrors}
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created   int // leads that were not in the database
	Updated   int // leads that were, in an older version, and were replaced
	Unchanged int // leads that were, in the same or a newer version
	Failed    int // bad lines, skipped (conflicts included)
	Conflicts int // leads stored with the same version but other content, kept as stored
	Events    int // events created because the database did not have them
	// Merged counts leads folded into a stored lead of the same person
	// under another ID (ImportMerge only).
	Merged int
	// Removed counts leads deleted or erased here because the bundle's
	// device had removed them (its tombstones).
	Removed int
}

// importBatch is how many leads one transaction saves: one fsync per batch
// instead of one per lead.
const importBatch = 500

// Import reads JSON Lines as written by Export with FormatJSONL (one
// lead.Lead per line, optionally with its "event") and saves the leads as
// they are, IDs included: importing the same file twice creates no
// duplicates, and a lead already present keeps the higher version
// (storage.PutLeads). An event a record brings along is created when the
// database lacks it, in the same transaction as the first lead saved with
// it. Blank lines are skipped.
//
// A bad line (not JSON, an unknown field, a missing ID or event, a lead
// that fails validation, the same person as another lead of the event) is
// skipped and nothing of it is saved, not even the event it brought; the
// other lines are imported. The error is then an *ImportError naming the
// bad lines; because an import is idempotent, fixing them and importing the
// whole file again is safe. Other errors (reading r, the database) stop the
// import; what was saved before stays saved.
func Import(ctx context.Context, s *storage.Store, r io.Reader) (ImportResult, error) {
	return importWith(ctx, &importer{s: s, put: s.PutLeads}, r)
}

func importWith(ctx context.Context, im *importer, r io.Reader) (ImportResult, error) {
	im.known, im.inBatch, im.events = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}, map[uuid.UUID]lead.Event{}
	br := bufio.NewReader(r)
	var buf []byte
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return im.res, err
		}
		line, size, rerr := readLine(br, buf)
		buf = line[:0]
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return im.res, fmt.Errorf("workflow: import: read line %d: %w", n, rerr)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
		}
		if size > MaxLineBytes {
			im.bad = append(im.bad, &LineError{Line: n, Err: fmt.Errorf("%w (%.1f MiB)", ErrLineTooLong, float64(size)/(1<<20))})
		} else if len(bytes.TrimSpace(line)) > 0 {
			if err := im.line(n, line); err != nil {
				return im.res, err
			}
		}
		if rerr != nil { // io.EOF
			break
		}
	}
	if err := im.flush(); err != nil {
		return im.res, err
	}
	if len(im.bad) > 0 {
		im.res.Failed = len(im.bad)
		return im.res, im.bad.err()
	}
	return im.res, nil
}

type pending struct {
	line int
	lead lead.Lead
}

type importer struct {
	s *storage.Store
	// put saves a batch: storage.PutLeads, or MergeLeads for ImportMerge.
	put     func([]lead.Lead, ...lead.Event) ([]storage.PutResult, error)
	res     ImportResult
	bad     badLines
	known   map[uuid.UUID]bool // events known to exist
	batch   []pending
	inBatch map[uuid.UUID]bool       // lead IDs in batch
	events  map[uuid.UUID]lead.Event // events the input brought along, not stored yet
}

// line handles one non-blank line. Only database errors are returned; a bad
// line is recorded.
func (im *importer) line(n int, data []byte) error {
	if isBundleHeader(data) {
		return im.header(n, data)
	}
	rec, err := decodeRecord(data)
	if err == nil {
		err = im.checkEvent(rec)
	}
	if err != nil {
		if isFatal(err) {
			return errors.Unwrap(err)
		}
		im.bad = append(im.bad, &LineError{Line: n, Err: err})
		return nil
	}
	if im.inBatch[rec.ID] { // the same lead twice: save the first one first
		if err := im.flush(); err != nil {
			return err
		}
	}
	im.batch = append(im.batch, pending{line: n, lead: rec.Lead})
	im.inBatch[rec.ID] = true
	if len(im.batch) >= importBatch {
		return im.flush()
	}
	return nil
}

// flush saves the batch in one transaction.
func (im *importer) flush() error {
	if len(im.batch) == 0 {
		return nil
	}
	leads := make([]lead.Lead, len(im.batch))
	for i := range im.batch {
		leads[i] = im.batch[i].lead
	}
	events := make([]lead.Event, 0, len(im.events))
	for _, ev := range im.events {
		events = append(events, ev)
	}
	res, err := im.put(leads, events...)
	if err != nil {
		return fmt.Errorf("workflow: import: save leads: %w", err)
	}
	for i, r := range res {
		if r.EventCreated {
			im.res.Events++
			delete(im.events, leads[i].EventID)
		}
		switch {
		case r.Err != nil:
			if r.Outcome == storage.PutConflict {
				im.res.Conflicts++
			}
			im.bad = append(im.bad, &LineError{Line: im.batch[i].line, Err: r.Err})
		case r.Outcome == storage.PutCreated:
			im.res.Created++
			im.known[leads[i].EventID] = true
		case r.Outcome == storage.PutUpdated:
			im.res.Updated++
			im.known[leads[i].EventID] = true
		case r.Outcome == storage.PutMerged:
			im.res.Merged++
		default:
			im.res.Unchanged++
		}
	}
	im.batch = im.batch[:0]
	clear(im.inBatch)
	return nil
}

// checkEvent makes sure the record's event exists or comes along: an event
// the store lacks is taken from the first line that brings it (valid) and
// handed to PutLeads with every batch until a saved lead has created it.
// An event is thus created only with a lead, and a line without the event
// may rely on an earlier line that brought it, wherever batches end.
func (im *importer) checkEvent(rec Record) error {
	if im.known[rec.EventID] {
		return nil
	}
	if _, ok := im.events[rec.EventID]; ok {
		return nil
	}
	_, err := im.s.Event(rec.EventID)
	switch {
	case err == nil:
		im.known[rec.EventID] = true
		return nil
	case !errors.Is(err, storage.ErrNotFound):
		return &dbError{fmt.Errorf("workflow: import: read event %s: %w", rec.EventID, err)}
	case rec.Event == nil:
		return fmt.Errorf("event %s of lead %s is not in this database and the line does not include it: create the event first, or export with 'leadcap export --format jsonl', which includes it: %w", rec.EventID, rec.ID, storage.ErrNotFound)
	}
	ev := *rec.Event
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("event %s: %w", ev.ID, err)
	}
	im.events[ev.ID] = ev
	return nil
}

// dbError marks a database error, which stops an import, as opposed to a
// bad record, which only skips its line.
type dbError struct{ err error }

func (e *dbError) Error() string { return e.err.Error() }
func (e *dbError) Unwrap() error { return e.err }

func isFatal(err error) bool {
	var d *dbError
	return errors.As(err, &d)
}

// decodeRecord reads one line strictly: unknown fields are refused, since
// they would be lost (a file from a newer leadcap, or a typo in a script).
func decodeRecord(line []byte) (Record, error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return rec, fmt.Errorf("%w (%v): each line must be one JSON object as written by 'leadcap export --format jsonl'", ErrBadRecord, err)
	}
	if dec.More() {
		return rec, fmt.Errorf("%w: more than one JSON value on the line: put each lead on a line of its own", ErrBadRecord)
	}
	if rec.ID == uuid.Nil {
		return rec, fmt.Errorf("%w: the lead has no \"id\"", ErrBadRecord)
	}
	if rec.EventID == uuid.Nil {
		return rec, fmt.Errorf("%w: lead %s has no \"event_id\"", ErrBadRecord, rec.ID)
	}
	if rec.Event != nil && rec.Event.ID != rec.EventID {
		return rec, fmt.Errorf("%w: lead %s has event_id %s but its \"event\" has id %s", ErrBadRecord, rec.ID, rec.EventID, rec.Event.ID)
	}
	return rec, nil
}
