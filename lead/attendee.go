package lead

import "strings"

// Attendee is one row of an event organiser's attendee list: the badge ID
// printed in an ID-only badge code and the person it stands for.
type Attendee struct {
	BadgeID      string `json:"badge_id"`
	GivenName    string `json:"given_name,omitempty"`
	FamilyName   string `json:"family_name,omitempty"`
	Email        string `json:"email,omitempty"`
	Organization string `json:"organization,omitempty"`
	Title        string `json:"title,omitempty"`
	Phone        string `json:"phone,omitempty"`
}

// Contact is the attendee as a contact (not yet normalized).
func (a Attendee) Contact() Contact {
	c := Contact{GivenName: a.GivenName, FamilyName: a.FamilyName, Organization: a.Organization, Title: a.Title}
	c.FullName = strings.TrimSpace(a.GivenName + " " + a.FamilyName)
	if a.Email != "" {
		c.Emails = []string{a.Email}
	}
	if a.Phone != "" {
		c.Phones = []Phone{{Number: a.Phone, Raw: a.Phone, Kind: "work"}}
	}
	return c
}

// AwaitsContact reports whether the lead is a scanned badge that held only
// the organiser's badge ID, or a lead left Unfinished: it is kept, but not
// delivered to the CRM until its contact is filled (from the attendee list
// or by hand).
func (l *Lead) AwaitsContact() bool {
	return (l.BadgeID != "" || l.Unfinished) && l.Contact.Reachable() != nil
}

// FillContact fills the lead's contact from the attendee when the lead
// awaits its contact; fields already set are kept. It reports whether it
// changed anything.
func (l *Lead) FillContact(a Attendee) bool {
	if !l.AwaitsContact() {
		return false
	}
	src := a.Contact()
	c := &l.Contact
	changed := false
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&c.FullName, src.FullName}, {&c.GivenName, src.GivenName}, {&c.FamilyName, src.FamilyName},
		{&c.Organization, src.Organization}, {&c.Title, src.Title},
	} {
		if *f.dst == "" && f.v != "" {
			*f.dst, changed = f.v, true
		}
	}
	if len(c.Emails) == 0 && len(src.Emails) > 0 {
		c.Emails, changed = src.Emails, true
	}
	if len(c.Phones) == 0 && len(src.Phones) > 0 {
		c.Phones, changed = src.Phones, true
	}
	return changed
}
