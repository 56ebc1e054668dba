package workflow

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/emersion/go-vcard"
	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/syncer"
)

// ErrUnknownFormat means an export format other than csv, vcf, jsonl or bundle was
// asked for.
var ErrUnknownFormat = errors.New("unknown export format: use csv, vcf, jsonl or bundle")

// Format is an export format.
type Format string

// The export formats.
const (
	// FormatCSV is a CSV file whose column names the lead import wizards of
	// HubSpot and Salesforce map without editing.
	FormatCSV Format = "csv"
	// FormatVCard is a vCard 4.0 file (RFC 6350) with one card per lead.
	FormatVCard Format = "vcf"
	// FormatJSONL is JSON Lines: one complete lead per line, which Import
	// reads back without loss.
	FormatJSONL Format = "jsonl"
	// FormatBundle is JSON Lines headed by one line that carries every
	// event of the store (see BundleHeader), also those without leads: a
	// device's whole fair in one file, which ImportMerge reads.
	FormatBundle Format = "bundle"
)

// ParseFormat reads csv, vcf (also vcard) or jsonl (also json).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return FormatCSV, nil
	case "vcf", "vcard":
		return FormatVCard, nil
	case "bundle":
		return FormatBundle, nil
	case "jsonl", "json", "ndjson":
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("%q: %w", s, ErrUnknownFormat)
}

// Export writes the leads that match q to w in format f, reading them one
// by one from the store (an export of 100,000 leads does not hold them all
// in memory), and returns how many it wrote. Event names (CSV, vCard) and
// event records (JSON Lines) come from the store.
func Export(ctx context.Context, s *storage.Store, w io.Writer, f Format, q storage.Query) (int, error) {
	evs, err := s.Events()
	if err != nil {
		return 0, fmt.Errorf("workflow: export: read events: %w", err)
	}
	events := make(map[uuid.UUID]lead.Event, len(evs))
	for _, ev := range evs {
		events[ev.ID] = ev
	}
	// The CSV's question columns: the exported event's, or every event's.
	asked := evs
	if q.EventID != uuid.Nil {
		asked = nil
		if ev, ok := events[q.EventID]; ok {
			asked = []lead.Event{ev}
		}
	}
	bw := bufio.NewWriter(w)
	var enc encoder
	if f == FormatBundle {
		enc, err = bundleEncoder(s, bw, events)
	} else {
		enc, err = newEncoder(bw, f, events, asked)
	}
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.EachLead(q, func(l lead.Lead) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		return enc.encode(&l)
	})
	if err == nil {
		err = enc.close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return 0, fmt.Errorf("workflow: export %s: %w", f, err)
	}
	return n, nil
}

// Encode writes leads to w in format f. events gives each lead's event by ID;
// a lead whose event is missing is written without one.
func Encode(ctx context.Context, w io.Writer, f Format, leads []lead.Lead, events map[uuid.UUID]lead.Event) error {
	// The CSV's question columns: those of the leads' events.
	var asked []lead.Event
	seen := map[uuid.UUID]bool{}
	for i := range leads {
		if id := leads[i].EventID; !seen[id] {
			seen[id] = true
			if ev, ok := events[id]; ok {
				asked = append(asked, ev)
			}
		}
	}
	bw := bufio.NewWriter(w)
	enc, err := newEncoder(bw, f, events, asked)
	if err != nil {
		return err
	}
	for i := range leads {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.encode(&leads[i]); err != nil {
			return fmt.Errorf("workflow: export %s: lead %s: %w", f, leads[i].ID, err)
		}
	}
	if err := enc.close(); err != nil {
		return fmt.Errorf("workflow: export %s: %w", f, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("workflow: export %s: %w", f, err)
	}
	return nil
}

// encoder writes one lead at a time in one format.
type encoder interface {
	encode(l *lead.Lead) error
	close() error
}

// newEncoder returns the encoder of format f; asked are the events whose
// questions become CSV columns.
func newEncoder(w io.Writer, f Format, events map[uuid.UUID]lead.Event, asked []lead.Event) (encoder, error) {
	switch f {
	case FormatCSV:
		cw := csv.NewWriter(w)
		qc := newQuestionColumns(asked)
		if err := cw.Write(append(CSVHeader(), qc.header...)); err != nil {
			return nil, err
		}
		return &csvEncoder{w: cw, events: events, questions: qc}, nil
	case FormatVCard:
		return &vcardEncoder{enc: vcard.NewEncoder(escapeSemicolons{w}), events: events}, nil
	case FormatJSONL:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return &jsonlEncoder{enc: enc, events: events}, nil
	case FormatBundle:
		return newBundleEncoder(w, events, nil)
	}
	return nil, fmt.Errorf("%q: %w", f, ErrUnknownFormat)
}

// CSVHeader returns the first columns of the CSV export's header row; a
// column per question of the exported events follows them (the question's
// text as its header, see questionColumns). The first columns carry the
// labels of the standard contact and lead properties of HubSpot's and
// Salesforce's import wizards, which map them automatically; the rest are
// leadcap's own and map to custom properties or are skipped.
func CSVHeader() []string { return slices.Clone(csvHeader[:]) }

var csvHeader = [...]string{
	"First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
	"Company", "Job Title", "Website URL",
	"Street Address", "City", "State/Region", "Postal Code", "Country/Region",
	"Lead Status", "Rating", "Event", "Notes", "Lead ID",
	"Captured At", "Captured By", "Capture Method",
	"Fit", "Budget", "Authority", "Interest",
	"Consent Basis", "Consent Status", "Consent Wording",
	"Other Emails", "Other Phone Numbers", "Other Websites",
}

// LeadStatus maps a stage to the CRM's lead status: the values of HubSpot's
// default "Lead Status" property (New, Open, Unqualified), which Salesforce
// accepts as picklist values too.
func LeadStatus(s lead.Stage) string {
	switch s {
	case lead.StageProspect:
		return "Open"
	case lead.StageDisqualified:
		return "Unqualified"
	default:
		return "New"
	}
}

type csvEncoder struct {
	w         *csv.Writer
	events    map[uuid.UUID]lead.Event
	questions questionColumns
}

func (e *csvEncoder) encode(l *lead.Lead) error {
	ev := e.events[l.EventID]
	return e.w.Write(append(CSVRow(l, ev), e.questions.row(l, ev)...))
}

// questionColumns are the CSV columns after CSVHeader's, one per question
// of the exported events: the header is the question's text (prefixed
// "Q " when it is the name of one of CSVHeader's columns), the cells are
// the leads' answers as stored (yes/no, the choice, the number, the text).
// Questions of several events with the same text (ignoring case) share a
// column; the events' questions come in the order the events were created.
type questionColumns struct {
	header []string
	byText map[string]int
}

func questionKey(text string) string { return strings.ToLower(strings.TrimSpace(text)) }

func newQuestionColumns(evs []lead.Event) questionColumns {
	// Older events first, so the columns do not depend on which lead
	// comes first.
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(a, b lead.Event) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	qc := questionColumns{byText: map[string]int{}}
	taken := map[string]bool{}
	for _, h := range csvHeader {
		taken[questionKey(h)] = true
	}
	for _, ev := range evs {
		for _, q := range ev.Questions {
			k := questionKey(q.Text)
			if _, ok := qc.byText[k]; ok || k == "" {
				continue
			}
			h := strings.TrimSpace(q.Text)
			if taken[k] {
				h = "Q " + h
			}
			qc.byText[k] = len(qc.header)
			qc.header = append(qc.header, defuse(h))
		}
	}
	return qc
}

// row returns the lead's answers under the question columns.
func (qc questionColumns) row(l *lead.Lead, ev lead.Event) []string {
	row := make([]string, len(qc.header))
	for _, q := range ev.Questions {
		i, ok := qc.byText[questionKey(q.Text)]
		if a := l.Qualification.Answers[q.ID]; ok && a != "" {
			row[i] = defuse(a)
		}
	}
	return row
}

func (e *csvEncoder) close() error {
	e.w.Flush()
	return e.w.Error()
}

// CSVRow returns the lead as a row under CSVHeader. Cells that a spreadsheet
// would run as a formula are defused with a leading apostrophe.
func CSVRow(l *lead.Lead, ev lead.Event) []string {
	c := &l.Contact
	first, last := syncer.SplitName(*c)
	phone, mobile, otherPhones := pickPhones(c.Phones)
	row := []string{
		first, last, firstOf(c.Emails), phone, mobile,
		c.Organization, c.Title, firstOf(c.URLs),
		c.Address.Street, c.Address.City, c.Address.Region, c.Address.PostalCode, c.Address.Country,
		LeadStatus(l.Stage()), csvRating(l.Rating), ev.Name, notesText(l.Notes), l.ID.String(),
		formatTime(l.CapturedAt), l.CapturedBy, string(l.Source.Method),
		l.Qualification.Fit.String(), l.Qualification.Budget.String(),
		l.Qualification.Authority.String(), l.Qualification.Interest.String(),
		string(l.Consent.Basis), string(l.Consent.Status), l.Consent.WordingVersion,
		strings.Join(rest(c.Emails), "; "), strings.Join(otherPhones, "; "), strings.Join(rest(c.URLs), "; "),
	}
	for j := range row {
		row[j] = defuse(row[j])
	}
	return row
}

// numeric matches values such as "+4930123456" or "-12.5" that spreadsheets
// read as numbers, not formulas.
var numeric = regexp.MustCompile(`^[+-][0-9 ().,/-]*$`)

// defuse keeps spreadsheets from running a cell as a formula (CSV
// injection): badge payloads come from strangers. A value starting with =,
// @, a tab or a carriage return, or with + or - and not a number, gets a
// leading apostrophe. Phone numbers in E.164 pass unchanged.
func defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if !numeric.MatchString(s) {
			return "'" + s
		}
	}
	return s
}

// pickPhones returns the first phone that is not a mobile, the first mobile
// and every other number, all in E.164.
func pickPhones(ps []lead.Phone) (phone, mobile string, others []string) {
	for _, p := range ps {
		switch {
		case isMobile(p) && mobile == "":
			mobile = p.Number
		case !isMobile(p) && phone == "":
			phone = p.Number
		default:
			others = append(others, p.Number)
		}
	}
	return phone, mobile, others
}

func isMobile(p lead.Phone) bool { return p.Kind == "mobile" || p.Kind == "cell" }

func csvRating(r lead.Rating) string {
	if r == "" || r == lead.RatingUnrated {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// notesText joins the notes, oldest first, one per line:
// "2026-11-27 Anna: asked for a demo (follow up 2026-12-01)".
func notesText(ns []lead.Note) string {
	var b strings.Builder
	for i, n := range ns {
		if i > 0 {
			b.WriteByte('\n')
		}
		if !n.At.IsZero() {
			b.WriteString(n.At.UTC().Format(time.DateOnly))
			b.WriteByte(' ')
		}
		if n.Author != "" {
			b.WriteString(n.Author + ": ")
		}
		b.WriteString(n.Text)
		if !n.FollowUp.IsZero() {
			b.WriteString(" (follow up " + n.FollowUp.Format(time.DateOnly) + ")")
		}
	}
	return b.String()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func rest(s []string) []string {
	if len(s) < 2 {
		return nil
	}
	return s[1:]
}

type vcardEncoder struct {
	enc    *vcard.Encoder
	events map[uuid.UUID]lead.Event
}

func (e *vcardEncoder) encode(l *lead.Lead) error { return e.enc.Encode(Card(l, e.events[l.EventID])) }
func (e *vcardEncoder) close() error              { return nil }

// Card returns the lead as a vCard 4.0 (every value without CR or other
// control characters; a semicolon inside a part of N, ORG or ADR held as
// U+E000, which Export writes as "\;"): FN, N (always, empty parts when
// unknown, for address books that need it), ORG, TITLE, EMAIL, TEL (as
// tel: URIs), URL, ADR, NOTE (the notes), CATEGORIES (the event's name), REV
// and UID (urn:uuid: with the lead's ID, so an address book updates instead
// of duplicating on a second import).
func Card(l *lead.Lead, ev lead.Event) vcard.Card {
	c := &l.Contact
	card := vcard.Card{}
	card.SetValue(vcard.FieldVersion, "4.0")
	card.SetKind(vcard.KindIndividual)
	fn := c.Name()
	if fn == "" {
		fn = c.Organization
	}
	if fn == "" {
		fn = firstOf(c.Emails)
	}
	if fn == "" && len(c.Phones) > 0 {
		fn = c.Phones[0].Number
	}
	card.SetValue(vcard.FieldFormattedName, text(fn))
	first, last := syncer.SplitName(*c)
	card.SetName(&vcard.Name{GivenName: component(first), FamilyName: component(last)})
	if c.Organization != "" {
		card.SetValue(vcard.FieldOrganization, component(c.Organization))
	}
	if c.Title != "" {
		card.SetValue(vcard.FieldTitle, text(c.Title))
	}
	for i, e := range c.Emails {
		f := &vcard.Field{Value: text(e), Params: vcard.Params{}}
		if i == 0 {
			f.Params.Set(vcard.ParamPreferred, "1")
		}
		card.Add(vcard.FieldEmail, f)
	}
	for i, p := range c.Phones {
		f := &vcard.Field{Value: "tel:" + text(p.Number), Params: vcard.Params{vcard.ParamValue: {"uri"}}}
		switch {
		case isMobile(p):
			f.Params.Add(vcard.ParamType, vcard.TypeCell)
		case p.Kind == "fax":
			f.Params.Add(vcard.ParamType, vcard.TypeFax)
		case p.Kind == "work" || p.Kind == "home":
			f.Params.Add(vcard.ParamType, p.Kind)
		}
		if i == 0 {
			f.Params.Set(vcard.ParamPreferred, "1")
		}
		card.Add(vcard.FieldTelephone, f)
	}
	for _, u := range c.URLs {
		card.AddValue(vcard.FieldURL, text(u))
	}
	if a := c.Address; !a.IsZero() {
		card.AddAddress(&vcard.Address{
			StreetAddress: component(a.Street), Locality: component(a.City), Region: component(a.Region),
			PostalCode: component(a.PostalCode), Country: component(a.Country),
		})
	}
	if n := notesText(l.Notes); n != "" {
		card.SetValue(vcard.FieldNote, text(n))
	}
	if ev.Name != "" {
		card.SetValue(vcard.FieldCategories, text(ev.Name))
	}
	if !l.UpdatedAt.IsZero() {
		card.SetRevision(l.UpdatedAt.UTC())
	}
	card.SetValue(vcard.FieldUID, "urn:uuid:"+l.ID.String())
	return card
}

// semicolon stands for a semicolon inside one part of a compound property
// (N, ADR, ORG) in a Card: go-vcard escapes commas and line feeds but not
// semicolons, which separate the parts. vcardEncoder writes it as "\;".
// text removes the character from what a lead holds, so it means nothing
// else.
const semicolon = "\uE000"

// component makes a value one part of a compound property.
func component(s string) string { return strings.ReplaceAll(text(s), ";", semicolon) }

// text makes a value safe for a vCard line: a CR (alone or before a LF)
// becomes a LF, which go-vcard escapes as \n; other control characters and
// the semicolon mark are dropped. A raw CR would end the line for many
// readers, and the rest of a note could then forge properties or cards.
func text(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.Map(func(r rune) rune {
		if (unicode.IsControl(r) && r != '\n') || string(r) == semicolon {
			return -1
		}
		return r
	}, s)
}

// escapeSemicolons writes go-vcard's output with the semicolon marks as
// "\;". go-vcard writes a whole line per Write, so a mark is never split.
type escapeSemicolons struct{ w io.Writer }

func (e escapeSemicolons) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte(semicolon)) {
		return e.w.Write(p)
	}
	if _, err := e.w.Write(bytes.ReplaceAll(p, []byte(semicolon), []byte(`\;`))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Record is one line of the JSON Lines export: the complete lead, plus its
// event so that an import into another database can recreate it. A program
// that reads a line into a lead.Lead simply ignores "event".
type Record struct {
	lead.Lead
	Event *lead.Event `json:"event,omitempty"`
}

type jsonlEncoder struct {
	enc    *json.Encoder
	events map[uuid.UUID]lead.Event
}

func (e *jsonlEncoder) encode(l *lead.Lead) error {
	rec := Record{Lead: *l}
	if ev, ok := e.events[l.EventID]; ok {
		rec.Event = &ev
	}
	return e.enc.Encode(&rec)
}

func (e *jsonlEncoder) close() error { return nil }
