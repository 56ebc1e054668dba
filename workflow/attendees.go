package workflow

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"leadcap/lead"
	"leadcap/storage"
)

// ErrNoBadgeColumn means an attendee list has no column that holds the
// badge IDs.
var ErrNoBadgeColumn = errors.New("the attendee list has no badge ID column: its first line must name the columns, one of them \"Badge ID\" (or Badge, Barcode, Ticket, Ausweis-Nr.)")

// ErrListTooLarge means an attendee list file is larger than maxAttendeeList.
var ErrListTooLarge = errors.New("the attendee list is larger than 64 MB: split it into several files")

const maxAttendeeList = 64 << 20

// attendeeColumns names, per field, the header names an organiser's list
// uses for it, folded (see foldHeader): English, German, French, Spanish.
var attendeeColumns = map[string][]string{
	"badge":   {"badgeid", "badge", "badgeno", "badgenr", "badgenumber", "badgenummer", "barcode", "ticket", "ticketid", "ticketnumber", "registrationid", "attendeeid", "id", "ausweis", "ausweisnr", "ausweisnummer", "teilnehmerid", "numerobadge", "badgecode", "codigo"},
	"given":   {"firstname", "givenname", "first", "forename", "vorname", "prenom", "nombre"},
	"family":  {"lastname", "familyname", "surname", "last", "nachname", "familienname", "nom", "nomdefamille", "apellido", "apellidos"},
	"email":   {"email", "emailaddress", "mail", "emailadresse", "mailadresse", "courriel", "adressemail", "correo", "correoelectronico"},
	"company": {"company", "companyname", "organization", "organisation", "org", "firma", "unternehmen", "firmenname", "societe", "entreprise", "empresa"},
	"title":   {"title", "jobtitle", "position", "role", "titel", "funktion", "jobtitel", "poste", "fonction", "cargo", "puesto"},
	"phone":   {"phone", "phonenumber", "telephone", "tel", "mobile", "telefon", "telefonnummer", "mobil", "handy", "telefono", "movil", "portable"},
}

// foldHeader lower-cases a column name and drops accents, spaces and
// punctuation: "Prénom" and "first_name" become "prenom" and "firstname".
func foldHeader(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	s, _, _ = transform.String(t, s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// AttendeeList is an organiser's list as read from a file.
type AttendeeList struct {
	Attendees []lead.Attendee
	// Rows counts the data rows; Skipped are the reasons rows (or values
	// of rows) were not taken, with their line numbers.
	Rows    int
	Skipped []string
	// Separator and Encoding say how the file was read: ';' or ',' (or a
	// tab), "UTF-8" or "Windows-1252".
	Separator rune
	Encoding  string
}

// ReadAttendees reads an organiser's attendee list: CSV with a header line,
// separated by ';', ',' or tabs (whichever the header holds most of), in
// UTF-8 (with or without a byte order mark) or, when it is not valid UTF-8,
// Windows-1252. Columns are found by their header name, whatever its case,
// spacing or language (see attendeeColumns); only the badge ID column is
// required. Emails and phones are checked and normalized (phones to E.164
// with region as the default country); an invalid one is dropped and
// reported in Skipped, the rest of the row kept. A row without a badge ID is skipped.
func ReadAttendees(r io.Reader, region string) (AttendeeList, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxAttendeeList+1))
	if err != nil {
		return AttendeeList{}, fmt.Errorf("workflow: read attendee list: %w", err)
	}
	if len(data) > maxAttendeeList {
		return AttendeeList{}, ErrListTooLarge
	}
	out := AttendeeList{Encoding: "UTF-8"}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return AttendeeList{}, fmt.Errorf("workflow: read attendee list: %w", err)
		}
		out.Encoding = "Windows-1252"
	}
	out.Separator = sniffSeparator(data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = out.Separator, -1, true
	header, err := cr.Read()
	if err != nil {
		return AttendeeList{}, fmt.Errorf("workflow: read attendee list: %w", ErrNoBadgeColumn)
	}
	cols := mapColumns(header)
	if _, ok := cols["badge"]; !ok {
		return AttendeeList{}, ErrNoBadgeColumn
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return AttendeeList{}, fmt.Errorf("workflow: read attendee list: %w", err)
		}
		line, _ := cr.FieldPos(0)
		out.Rows++
		a, skipped := attendeeRow(rec, cols, region)
		for _, s := range skipped {
			out.Skipped = append(out.Skipped, fmt.Sprintf("line %d: %s", line, s))
		}
		if a.BadgeID != "" {
			out.Attendees = append(out.Attendees, a)
		}
	}
	return out, nil
}

// sniffSeparator returns the separator the first line holds most of,
// outside quotes: ';', ',' or a tab (',' when none).
func sniffSeparator(data []byte) rune {
	first, _ := bufio.NewReader(bytes.NewReader(data)).ReadString('\n')
	counts := map[rune]int{}
	quoted := false
	for _, r := range first {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// mapColumns maps each field of attendeeColumns to the index of the first
// header cell that names it.
func mapColumns(header []string) map[string]int {
	cols := map[string]int{}
	for i, h := range header {
		f := foldHeader(h)
		for field, names := range attendeeColumns {
			if _, seen := cols[field]; !seen && slices.Contains(names, f) {
				cols[field] = i
			}
		}
	}
	return cols
}

// attendeeRow reads one row; skipped says what was not taken and why.
func attendeeRow(rec []string, cols map[string]int, region string) (a lead.Attendee, skipped []string) {
	get := func(field string) string {
		if i, ok := cols[field]; ok && i < len(rec) {
			return strings.TrimSpace(lead.StripControl(rec[i]))
		}
		return ""
	}
	a = lead.Attendee{BadgeID: get("badge"), GivenName: get("given"), FamilyName: get("family"),
		Email: get("email"), Organization: get("company"), Title: get("title"), Phone: get("phone")}
	if a.BadgeID == "" {
		return lead.Attendee{}, []string{"no badge ID: row skipped"}
	}
	if a.Email != "" {
		e, err := lead.NormalizeEmail(a.Email)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("badge %s: email not taken: %v", a.BadgeID, err))
		}
		a.Email = e
	}
	if a.Phone != "" {
		p, err := lead.NormalizePhone(a.Phone, region)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("badge %s: phone %q not taken: %v", a.BadgeID, a.Phone, err))
		}
		a.Phone = p
	}
	return a, skipped
}

// AttendeeReport is what ImportAttendees did.
type AttendeeReport struct {
	// Listed counts the attendees on the list (rows with a badge ID).
	Listed int
	// Matched are the leads that awaited their contact and got it from the
	// list; they are queued for the CRM.
	Matched []lead.Lead
	// Unmatched are the badge IDs of leads that still await their contact:
	// their badge is not on the list.
	Unmatched []string
	// Duplicates are the badge IDs whose person is already another lead of
	// the event: the badge scan keeps waiting; merge or delete it by hand.
	Duplicates []string
}

// ImportAttendees stores list as the event's attendee list (replacing the
// one before), so that badges scanned from now on are filled at once, and
// fills the contact of every lead of the event that awaits it and whose
// badge is on the list; each filled lead is queued for the CRM.
func ImportAttendees(s *storage.Store, ev lead.Event, list []lead.Attendee) (AttendeeReport, error) {
	rep := AttendeeReport{Listed: len(list)}
	if err := s.PutAttendees(ev.ID, list); err != nil {
		return rep, fmt.Errorf("workflow: import attendees: %w", err)
	}
	byBadge := make(map[string]lead.Attendee, len(list))
	for _, a := range list {
		byBadge[a.BadgeID] = a
	}
	var waiting []lead.Lead
	err := s.EachLead(storage.Query{EventID: ev.ID, Sync: storage.SyncWaiting}, func(l lead.Lead) error {
		waiting = append(waiting, l)
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("workflow: import attendees: %w", err)
	}
	for _, l := range waiting {
		if l.BadgeID == "" {
			continue // a lead left unfinished has no badge to look up
		}
		a, ok := byBadge[l.BadgeID]
		if !ok {
			rep.Unmatched = append(rep.Unmatched, l.BadgeID)
			continue
		}
		saved, err := s.UpdateLead(l.ID, func(l *lead.Lead) error { l.FillContact(a); return nil })
		var dup *storage.DuplicateError
		switch {
		case errors.As(err, &dup):
			rep.Duplicates = append(rep.Duplicates, l.BadgeID)
		case err != nil:
			return rep, fmt.Errorf("workflow: import attendees: %w", err)
		default:
			rep.Matched = append(rep.Matched, saved)
		}
	}
	return rep, nil
}

// fillFromAttendees fills a badge scan that holds only the badge ID from
// the event's attendee list, when the list has the badge: offline, at the
// moment of the scan.
func fillFromAttendees(s *storage.Store, ev lead.Event, l *lead.Lead) error {
	if !l.AwaitsContact() {
		return nil
	}
	a, found, err := s.FindAttendee(ev.ID, l.BadgeID)
	if err != nil {
		return fmt.Errorf("workflow: scan: %w", err)
	}
	if found {
		l.FillContact(a)
	}
	return nil
}
