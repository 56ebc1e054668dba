package lead

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// BadgePattern says what an event's badge codes look like, so that a
// scanned badge reference is told apart from any other code (a product's
// EAN, a ticket number of another event). Every part that is set must
// match; an empty pattern matches nothing and the capture package then
// falls back to its general rule.
type BadgePattern struct {
	// Prefix is the text every badge code starts with, e.g. "ATT-".
	Prefix string `json:"prefix,omitempty"`
	// Regexp is a Go regular expression (RE2 syntax) the whole code must
	// match, e.g. `[0-9]{10}`; it is anchored at both ends.
	Regexp string `json:"regexp,omitempty"`
	// Length is the exact length of a badge code in characters; 0 means any.
	Length int `json:"length,omitempty"`
}

// IsZero reports whether no part of the pattern is set.
func (b BadgePattern) IsZero() bool { return b == BadgePattern{} }

// Validate checks that the regular expression compiles and the length is
// not negative.
func (b BadgePattern) Validate() error {
	if b.Length < 0 {
		return &FieldError{Field: "badge.length", Value: fmt.Sprint(b.Length), Reason: "is negative: give the number of characters of a badge code, or 0 for any"}
	}
	if _, err := b.compile(); err != nil {
		return &FieldError{Field: "badge.regexp", Value: b.Regexp, Reason: "is not a regular expression (" + err.Error() + "): write it in RE2 syntax, e.g. [0-9]{10}"}
	}
	return nil
}

// Match reports whether code is one of the event's badge codes: it has the
// prefix, the length and matches the regular expression, as far as they are
// set. A zero pattern or an invalid regular expression matches nothing.
func (b BadgePattern) Match(code string) bool {
	if b.IsZero() || !strings.HasPrefix(code, b.Prefix) {
		return false
	}
	if b.Length > 0 && utf8.RuneCountInString(code) != b.Length {
		return false
	}
	re, err := b.compile()
	return err == nil && (re == nil || re.MatchString(code))
}

func (b BadgePattern) compile() (*regexp.Regexp, error) {
	if b.Regexp == "" {
		return nil, nil
	}
	return regexp.Compile(`^(?:` + b.Regexp + `)$`)
}
