package capture

import "strings"

// splitAddressLists splits an email value that holds several addresses
// (CRM exports and QR generators join them with commas, semicolons or
// spaces) into one entry per address. A value with at most one '@' is
// kept as it is, so that "Jane Doe <jane@example.org>" stays whole.
func splitAddressLists(emails []string) []string {
	var out []string
	for _, e := range emails {
		if strings.Count(e, "@") < 2 {
			out = append(out, e)
			continue
		}
		out = append(out, strings.FieldsFunc(e, func(r rune) bool {
			return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
		})...)
	}
	return out
}
