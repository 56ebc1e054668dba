package lead

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Event is a trade fair, conference or campaign that leads are tagged with.
type Event struct {
	ID    uuid.UUID `json:"id"`
	Name  string    `json:"name"`
	Venue string    `json:"venue,omitempty"`
	City  string    `json:"city,omitempty"`
	// Country is an ISO 3166 alpha-2 code; it is also the default region for
	// phone numbers captured at this event.
	Country string    `json:"country,omitempty"`
	Booth   string    `json:"booth,omitempty"`
	Start   time.Time `json:"start,omitzero"`
	End     time.Time `json:"end,omitzero"`
	// Questions are the event's own qualification questions; answers land in
	// Qualification.Answers under the question's ID.
	Questions []Question `json:"questions,omitempty"`
	// Badge is what the event's badge codes look like; zero means the
	// capture package's general rule decides what a badge code is.
	Badge     BadgePattern `json:"badge,omitzero"`
	CreatedAt time.Time    `json:"created_at,omitzero"`
}

// Question is a custom qualification question of an event.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Kind is how the question is answered (questions.go); empty is text.
	Kind QuestionKind `json:"kind,omitempty"`
	// Choices are the answers of a choice question.
	Choices []string `json:"choices,omitempty"`
	// CRMField, when set, is the HubSpot contact property or Salesforce
	// Lead field (API name) that receives the answer; an answer to a
	// question without one goes into the CRM's details field.
	CRMField string `json:"crm_field,omitempty"`
}

// Validate checks an event: it needs a name, a valid country code if one is
// given, and an end that is not before its start. It upper-cases the country.
func (e *Event) Validate() error {
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return &FieldError{Field: "name", Reason: "an event needs a name"}
	}
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	if e.Country != "" && !ValidCountry(e.Country) {
		return &FieldError{Field: "country", Value: e.Country, Reason: "is not an ISO 3166 alpha-2 country code such as DE, US or FR"}
	}
	if err := e.Badge.Validate(); err != nil {
		return err
	}
	if !e.Start.IsZero() && !e.End.IsZero() && e.End.Before(e.Start) {
		return &FieldError{Field: "end", Value: e.End.Format(time.DateOnly), Reason: "is before the start date"}
	}
	return nil
}

// Channel says whether a lead came in offline (fairs, meetings) or online
// (forms).
type Channel string

// The channels.
const (
	ChannelOffline Channel = "offline"
	ChannelOnline  Channel = "online"
)

// Method says how a lead was captured.
type Method string

// The capture methods.
const (
	MethodQRScan    Method = "qr-scan"
	MethodBadgeScan Method = "badge-scan"
	// MethodScanner is a handheld scanner acting as a keyboard (keyboard wedge).
	MethodScanner Method = "scanner"
	MethodManual  Method = "manual"
	MethodImport  Method = "import"
	MethodMeeting Method = "meeting"
)

// Methods lists every capture method.
var Methods = []Method{MethodQRScan, MethodBadgeScan, MethodScanner, MethodManual, MethodImport, MethodMeeting}

// Source is where a lead came from.
type Source struct {
	Channel Channel `json:"channel"`
	Method  Method  `json:"method"`
}

// Note is a timestamped remark on a lead, for example what was said in a
// meeting, with an optional date to follow up.
type Note struct {
	ID       uuid.UUID `json:"id"`
	At       time.Time `json:"at"`
	Author   string    `json:"author,omitempty"`
	Text     string    `json:"text"`
	FollowUp time.Time `json:"follow_up,omitzero"`
	// Done is when the follow-up was marked done; zero while it is open.
	Done time.Time `json:"follow_up_done,omitzero"`
}

// Lead is a person who came in contact at an event, with everything staff
// recorded about them.
type Lead struct {
	// ID is a time-ordered UUID (version 7); it travels to the CRM with
	// every push, so a replay is harmless.
	ID      uuid.UUID `json:"id"`
	EventID uuid.UUID `json:"event_id"`
	Contact Contact   `json:"contact"`
	Source  Source    `json:"source"`
	// RawPayload is the QR or scanner payload exactly as read.
	RawPayload string `json:"raw_payload,omitempty"`
	// BadgeID is an organiser's opaque badge reference, kept so the lead
	// can be matched to the attendee list later.
	BadgeID string `json:"badge_id,omitempty"`
	// Unfinished marks a lead that was being typed in when the app was
	// stopped, before it had a way to reach the person: it is kept and
	// waits for its contact as a badge ID alone does (AwaitsContact). It
	// is cleared once the contact is complete.
	Unfinished    bool          `json:"unfinished,omitempty"`
	CapturedAt    time.Time     `json:"captured_at"`
	CapturedBy    string        `json:"captured_by,omitempty"`
	DeviceID      string        `json:"device_id,omitempty"`
	Qualification Qualification `json:"qualification"`
	Rating        Rating        `json:"rating"`
	Consent       Consent       `json:"consent"`
	Notes         []Note        `json:"notes,omitempty"`
	// Aliases are the IDs of the same person's leads from other devices
	// that were merged into this one (see MergeDevice); the CRM connectors
	// look for records made under them, so none is duplicated.
	Aliases []uuid.UUID `json:"aliases,omitempty"`
	// Version counts the changes to the lead; the store sets it.
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// New returns a lead for the event with a fresh time-ordered ID, captured
// now, unrated, and with no permission to contact recorded.
func New(eventID uuid.UUID, method Method, now time.Time) *Lead {
	return &Lead{
		ID:         NewID(),
		EventID:    eventID,
		Source:     Source{Channel: ChannelOffline, Method: method},
		CapturedAt: now.UTC(),
		UpdatedAt:  now.UTC(),
		Rating:     RatingUnrated,
		Consent:    Consent{Basis: BasisNone},
	}
}

// NewID returns a time-ordered UUID (version 7).
func NewID() uuid.UUID {
	return uuid.Must(uuid.NewV7())
}

// Stage derives the lead's stage from its qualification.
func (l *Lead) Stage() Stage { return l.Qualification.Stage() }

// AddNote appends a note with a fresh ID. It refuses empty text.
func (l *Lead) AddNote(text, author string, at, followUp time.Time) (Note, error) {
	text = strings.TrimSpace(StripControlKeepLines(text))
	if text == "" {
		return Note{}, &FieldError{Field: "note", Reason: "is empty: write what was said or agreed"}
	}
	n := Note{ID: NewID(), At: at.UTC(), Author: strings.TrimSpace(author), Text: text, FollowUp: followUp}
	l.Notes = append(l.Notes, n)
	return n, nil
}

// NextFollowUp returns the earliest follow-up date among the notes whose
// follow-up is not done, or the zero time.
func (l *Lead) NextFollowUp() time.Time {
	var t time.Time
	for _, n := range l.Notes {
		if !n.FollowUp.IsZero() && n.Done.IsZero() && (t.IsZero() || n.FollowUp.Before(t)) {
			t = n.FollowUp
		}
	}
	return t
}

// Normalize fills defaults, normalizes the contact (emails lower-cased,
// phones to E.164 with region as the default country), the rating and the
// consent's basis and status (their canonical lower-case names), and
// validates the lead, its source included. region is the event's country; it may be empty.
func (l *Lead) Normalize(region string) error {
	if l.ID == uuid.Nil {
		return &FieldError{Field: "id", Reason: "is missing"}
	}
	r, err := ParseRating(string(l.Rating))
	if err != nil {
		return &FieldError{Field: "rating", Value: string(l.Rating), Reason: "is not hot, warm, cold or unrated"}
	}
	l.Rating = r
	b, err := ParseLegalBasis(string(l.Consent.Basis))
	if err != nil {
		return &FieldError{Field: "consent.basis", Value: string(l.Consent.Basis), Reason: "is not none, legitimate-interest or consent"}
	}
	l.Consent.Basis = b
	if l.Consent.Status != ConsentNotAsked {
		st, err := ParseConsentStatus(string(l.Consent.Status))
		if err != nil {
			return &FieldError{Field: "consent.status", Value: string(l.Consent.Status), Reason: "is not requested, active or revoked"}
		}
		l.Consent.Status = st
	}
	if l.Source.Channel == "" {
		l.Source.Channel = ChannelOffline
	}
	if l.Source.Channel != ChannelOffline && l.Source.Channel != ChannelOnline {
		return &FieldError{Field: "source.channel", Value: string(l.Source.Channel), Reason: "is not offline or online"}
	}
	if l.Source.Method == "" {
		l.Source.Method = MethodManual
	}
	if !slices.Contains(Methods, l.Source.Method) {
		return &FieldError{Field: "source.method", Value: string(l.Source.Method), Reason: "is not qr-scan, badge-scan, scanner, manual, import or meeting"}
	}
	if err := l.Contact.Normalize(region); err != nil {
		return err
	}
	l.sanitize()
	if l.AwaitsContact() {
		return nil // an ID-only badge waits for its contact (attendee.go)
	}
	if err := l.Contact.Reachable(); err != nil {
		return err
	}
	l.Unfinished = false
	return nil
}

// FieldError says which field of a lead or event is wrong and why.
type FieldError struct {
	Field  string // e.g. "contact.emails[1]"
	Value  string // the offending value, if any
	Reason string // why, phrased so the user knows what to do
}

func (e *FieldError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("%s %q %s", e.Field, e.Value, e.Reason)
	}
	return e.Field + " " + e.Reason
}
