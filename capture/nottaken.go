package capture

import (
	"fmt"
	"strings"

	"leadcap/lead"
)

// NotTaken is one value of a payload that was read but not taken over into
// the contact: an e-mail that is not an address, a phone that is not a
// number, a property leadcap does not know. The card is still saved with
// everything that was valid; NotTaken is shown to the user ("not taken
// over: …") and the raw payload keeps the value.
type NotTaken struct {
	Field  string `json:"field"`  // what the payload called it, e.g. "EMAIL", "TEL"
	Value  string `json:"value"`  // the value as read (control characters removed)
	Reason string `json:"reason"` // why it was not taken over, a sentence for the user
}

func (n NotTaken) String() string {
	if n.Reason == "" {
		return fmt.Sprintf("%s %q", n.Field, n.Value)
	}
	return fmt.Sprintf("%s %q: %s", n.Field, n.Value, n.Reason)
}

// notTaken describes a value that lead.Contact.NormalizeRead left out.
func notTaken(fe *lead.FieldError) NotTaken {
	field := fe.Field
	switch {
	case strings.HasPrefix(field, "contact.emails"):
		field = "EMAIL"
	case strings.HasPrefix(field, "contact.phones"):
		field = "TEL"
	}
	return NotTaken{Field: field, Value: lead.StripControl(fe.Value), Reason: strings.TrimSpace(fe.Reason)}
}
