package tryton

import (
	"fmt"
	"strings"
	"time"

	"leadcap/lead"
)

// The markers around leadcap's block in an opportunity's comment. Text
// outside the block belongs to the CRM's users and is kept as it is.
const (
	blockStart = "[leadcap]"
	blockEnd   = "[/leadcap]"
)

// partyName is the name for a new party: the person's name, else the
// organization, else the first email, phone or web address.
func partyName(c lead.Contact) string {
	switch {
	case c.Name() != "":
		return c.Name()
	case c.Organization != "":
		return c.Organization
	case len(c.Emails) > 0:
		return c.Emails[0]
	case len(c.Phones) > 0:
		return c.Phones[0].Number
	case len(c.URLs) > 0:
		return c.URLs[0]
	}
	return "Lead from leadcap"
}

// mechanism is a party.contact_mechanism: type is email, phone, mobile, fax
// or website.
type mechanism struct{ Type, Value string }

// key compares mechanisms: e-mails and web addresses ignore case, phones
// compare as written (E.164 from leadcap).
func (m mechanism) key() string {
	return m.Type + "\x00" + strings.ToLower(strings.TrimSpace(m.Value))
}

// mechanisms lists the contact's emails, phones (mobile and fax by kind)
// and web addresses as Tryton contact mechanisms.
func mechanisms(c lead.Contact) []mechanism {
	var ms []mechanism
	for _, e := range c.Emails {
		ms = append(ms, mechanism{"email", e})
	}
	for _, p := range c.Phones {
		t := "phone"
		switch p.Kind {
		case "mobile", "cell":
			t = "mobile"
		case "fax":
			t = "fax"
		}
		n := p.Number
		if n == "" {
			n = p.Raw
		}
		ms = append(ms, mechanism{t, n})
	}
	for _, u := range c.URLs {
		ms = append(ms, mechanism{"website", u})
	}
	return ms
}

// addressValues is the party.address for the contact's address, without
// the country (a Many2One that the connector resolves).
func addressValues(a lead.Address) map[string]any {
	v := map[string]any{}
	if a.Street != "" {
		v["street"] = a.Street
	}
	if a.City != "" {
		v["city"] = a.City
	}
	if a.PostalCode != "" {
		v["postal_code"] = a.PostalCode
	}
	return v
}

// description is the opportunity's one-line summary: event, stage and
// qualification, organization, number of notes.
func description(e lead.OutboxEntry) string {
	l := e.Lead
	parts := []string{}
	if e.Event.Name != "" {
		parts = append(parts, e.Event.Name)
	}
	parts = append(parts, stageLine(l))
	if l.Contact.Organization != "" {
		parts = append(parts, l.Contact.Organization)
	}
	switch n := len(l.Notes); n {
	case 0:
	case 1:
		parts = append(parts, "1 note")
	default:
		parts = append(parts, fmt.Sprintf("%d notes", n))
	}
	return strings.Join(parts, " · ")
}

func stageLine(l lead.Lead) string {
	q := l.Qualification
	s := string(l.Stage())
	if l.Stage() == lead.StageLead {
		s += fmt.Sprintf(" (fit %s, budget %s, authority %s, interest %s)", q.Fit, q.Budget, q.Authority, q.Interest)
	}
	if l.Rating != "" && l.Rating != lead.RatingUnrated {
		s += ", " + string(l.Rating)
	}
	return s
}

// block is leadcap's part of the opportunity's comment: the event, the
// qualification, the answers to the event's questions, consent, how the
// lead was captured, and every note.
func block(e lead.OutboxEntry) string {
	l := e.Lead
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, value)
		}
	}
	b.WriteString(blockStart + "\n")
	ev := e.Event.Name
	var where []string
	for _, s := range []string{e.Event.Venue, e.Event.City, e.Event.Country} {
		if s != "" {
			where = append(where, s)
		}
	}
	if len(where) > 0 {
		ev += " (" + strings.Join(where, ", ") + ")"
	}
	if e.Event.Booth != "" {
		ev += ", booth " + e.Event.Booth
	}
	line("Event", ev)
	line("Organization", l.Contact.Organization)
	line("Title", l.Contact.Title)
	q := l.Qualification
	line("Stage", string(l.Stage()))
	line("Qualification", fmt.Sprintf("fit %s, budget %s, authority %s, interest %s", q.Fit, q.Budget, q.Authority, q.Interest))
	// The answers to the event's questions, in their order; an answer
	// whose question was taken off the event is left out.
	for _, qu := range e.Event.Questions {
		line("Q "+qu.Text, q.Answers[qu.ID])
	}
	if l.Rating != "" {
		line("Rating", string(l.Rating))
	}
	line("Consent", l.Consent.Summary())
	line("Follow up", followUpLine(l))
	captured := l.CapturedAt.UTC().Format("2006-01-02 15:04 UTC")
	if l.CapturedBy != "" {
		captured += " by " + l.CapturedBy
	}
	if l.Source.Method != "" {
		captured += " (" + string(l.Source.Method) + ")"
	}
	line("Captured", captured)
	if !l.Contact.Address.IsZero() && l.Contact.Address.Country != "" {
		line("Country", l.Contact.Address.Country)
	}
	if len(l.Notes) > 0 {
		b.WriteString("Notes:\n")
		for _, n := range l.Notes {
			fmt.Fprintf(&b, "- %s", n.At.UTC().Format("2006-01-02 15:04"))
			if n.Author != "" {
				fmt.Fprintf(&b, " %s", n.Author)
			}
			fmt.Fprintf(&b, ": %s", strings.ReplaceAll(n.Text, "\n", "\n  "))
			if !n.FollowUp.IsZero() {
				done := ""
				if !n.Done.IsZero() {
					done = ", done"
				}
				fmt.Fprintf(&b, " (follow up %s%s)", n.FollowUp.Format(time.DateOnly), done)
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString(blockEnd)
	return b.String()
}

// mergeComment replaces leadcap's block in comment with blk, keeping the
// text around it; without a block, blk is added at the end.
func mergeComment(comment, blk string) string {
	i := strings.Index(comment, blockStart)
	j := strings.Index(comment, blockEnd)
	if i >= 0 && j > i {
		return comment[:i] + blk + comment[j+len(blockEnd):]
	}
	if strings.TrimSpace(comment) == "" {
		return blk
	}
	return strings.TrimRight(comment, "\n") + "\n\n" + blk
}
