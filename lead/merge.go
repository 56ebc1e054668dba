package lead

import "slices"

// MergeContact folds a newly captured contact of the same person into the
// lead: empty fields are filled, new emails, phones and URLs are added after
// the known ones, and nothing staff already recorded is overwritten or
// removed. It reports whether anything changed.
func (l *Lead) MergeContact(c Contact) bool {
	changed := false
	fill := func(dst *string, src string) {
		if *dst == "" && src != "" {
			*dst = src
			changed = true
		}
	}
	fill(&l.Contact.FullName, c.FullName)
	fill(&l.Contact.GivenName, c.GivenName)
	fill(&l.Contact.FamilyName, c.FamilyName)
	fill(&l.Contact.Organization, c.Organization)
	fill(&l.Contact.Title, c.Title)
	for _, e := range c.Emails {
		if n := appendUnique(l.Contact.Emails, e); len(n) != len(l.Contact.Emails) {
			l.Contact.Emails, changed = n, true
		}
	}
	for _, u := range c.URLs {
		if n := appendUnique(l.Contact.URLs, u); len(n) != len(l.Contact.URLs) {
			l.Contact.URLs, changed = n, true
		}
	}
	for _, p := range c.Phones {
		known := false
		for _, q := range l.Contact.Phones {
			known = known || (q.Number != "" && q.Number == p.Number)
		}
		if !known {
			l.Contact.Phones, changed = append(l.Contact.Phones, p), true
		}
	}
	if l.Contact.Address.IsZero() && !c.Address.IsZero() {
		l.Contact.Address, changed = c.Address, true
	}
	return changed
}

// MergeCapture folds a new capture of the same person into the lead: its
// contact as MergeContact does, its raw payload and badge ID when the lead
// has none, and its notes the lead does not have yet (by note ID). Nothing
// staff already recorded is overwritten or removed. It reports whether
// anything changed.
func (l *Lead) MergeCapture(other *Lead) bool {
	changed := l.MergeContact(other.Contact)
	if l.RawPayload == "" && other.RawPayload != "" {
		l.RawPayload, changed = other.RawPayload, true
	}
	if l.BadgeID == "" && other.BadgeID != "" {
		l.BadgeID, changed = other.BadgeID, true
	}
	for _, n := range other.Notes {
		if !slices.ContainsFunc(l.Notes, func(m Note) bool { return m.ID == n.ID }) {
			l.Notes, changed = append(l.Notes, n), true
		}
	}
	return changed
}
