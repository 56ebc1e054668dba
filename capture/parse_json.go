package capture

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"leadcap/lead"
)

// jsonFields are the keys badge and ticket systems use for an attendee's
// details in a JSON object, compared without regard to case, '_' and '-'
// ("first_name", "firstName", "First-Name").
var jsonFields = map[string]string{
	"name": "name", "fullname": "name", "displayname": "name", "attendeename": "name",
	"firstname": "given", "givenname": "given", "forename": "given",
	"lastname": "family", "familyname": "family", "surname": "family",
	"email": "email", "emailaddress": "email", "mail": "email",
	"phone": "phone", "phonenumber": "phone", "mobile": "phone", "mobilephone": "phone", "tel": "phone", "telephone": "phone",
	"company": "org", "organization": "org", "organisation": "org", "org": "org", "companyname": "org",
	"title": "title", "jobtitle": "title", "position": "title",
	"url": "url", "website": "url",
}

// jsonBadgeKeys name the attendee's or ticket's ID, the one to prefer first.
var jsonBadgeKeys = []string{"badgeid", "attendeeid", "registrantid", "registrationid", "ticketid", "ticketcode", "checkinsecret"}

// parseJSONAttendee reads an attendee record that a badge or ticket system
// encodes as one JSON object ({"firstName": "Jane", "lastName": "Doe",
// "email": …, "company": …}, or Indico's {"registrant_id": …,
// "checkin_secret": …}): the contact details it names, and its attendee or
// ticket ID as the badge ID. Objects nested in it (a "user" or "attendee"
// object) are read too. It needs an attendee or ticket ID, an email, a
// phone, or a first and a last name: a product's or an app's JSON with a
// "name" alone is not a person.
func parseJSONAttendee(s string) (Parsed, bool) {
	if !strings.HasPrefix(s, "{") {
		return Parsed{}, false
	}
	var obj map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil || d.More() {
		return Parsed{}, false
	}
	p := Parsed{Format: FormatBadge, Method: lead.MethodBadgeScan}
	ids := map[string]string{}
	readJSONObject(obj, &p, ids, 0)
	for _, k := range jsonBadgeKeys {
		if ids[k] != "" {
			p.BadgeID = ids[k]
			break
		}
	}
	c := &p.Contact
	if p.BadgeID == "" && len(c.Emails)+len(c.Phones) == 0 && (c.GivenName == "" || c.FamilyName == "") {
		return Parsed{}, false
	}
	if c.FullName == "" && c.GivenName+c.FamilyName != "" {
		c.FullName = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	return p, true
}

// readJSONObject takes the attendee's fields from obj (and from objects
// nested up to two levels down), keys in sorted order; the first value of
// a field wins. IDs go to ids by their folded key (jsonBadgeKeys).
func readJSONObject(obj map[string]any, p *Parsed, ids map[string]string, depth int) {
	c := &p.Contact
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		v := obj[key]
		if sub, ok := v.(map[string]any); ok && depth < 2 {
			readJSONObject(sub, p, ids, depth+1)
			continue
		}
		val := jsonScalar(v)
		if val == "" {
			continue
		}
		folded := strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(key))
		if slices.Contains(jsonBadgeKeys, folded) {
			ids[folded] = keepFirst(ids[folded], val)
			continue
		}
		switch jsonFields[folded] {
		case "name":
			c.FullName = keepFirst(c.FullName, val)
		case "given":
			c.GivenName = keepFirst(c.GivenName, val)
		case "family":
			c.FamilyName = keepFirst(c.FamilyName, val)
		case "email":
			c.Emails = append(c.Emails, val)
		case "phone":
			c.Phones = append(c.Phones, lead.Phone{Raw: val})
		case "org":
			c.Organization = keepFirst(c.Organization, val)
		case "title":
			c.Title = keepFirst(c.Title, val)
		case "url":
			c.URLs = append(c.URLs, val)
		}
	}
}

// jsonScalar is a JSON string or number as text; other values are "".
func jsonScalar(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	}
	return ""
}
