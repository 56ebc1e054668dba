package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"leadcap/capture"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// codeJSON is one code in "decode --json" and the output of "parse --json".
type codeJSON struct {
	OK      bool        `json:"ok"`
	Payload string      `json:"payload"`
	Format  string      `json:"format"`
	Contact contactJSON `json:"contact"`
	BadgeID string      `json:"badge_id,omitempty"`
	Method  lead.Method `json:"method,omitempty"`
	// NotTaken is what the payload held but the contact did not take over.
	NotTaken []capture.NotTaken `json:"not_taken,omitempty"`
	Error    string             `json:"error"`
}

// parsePayload parses one payload into its JSON form.
func parsePayload(payload, region string) codeJSON {
	p, err := capture.Parse(payload, region)
	j := codeJSON{OK: err == nil, Payload: payload, Format: string(p.Format), Contact: newContactJSON(p.Contact),
		BadgeID: p.BadgeID, Method: p.Method, NotTaken: p.NotTaken}
	if err != nil {
		j.Error = reason(err)
	}
	if j.Format == "" {
		j.Format = string(capture.FormatText)
	}
	return j
}

// describe is a one-line account of a parsed code.
func describe(j codeJSON) string {
	if !j.OK && j.Error != "" {
		return j.Error
	}
	ct := j.Contact
	var phones []string
	for _, p := range ct.Phones {
		phones = append(phones, p.Number)
	}
	s := joinNonEmpty(", ", ct.FullName, ct.Title, ct.Organization, strings.Join(ct.Emails, " "), strings.Join(phones, " "), strings.Join(ct.URLs, " "))
	if j.BadgeID != "" {
		s = joinNonEmpty(", ", s, "badge "+j.BadgeID)
	}
	return s
}

// reason strips a capture, scan or import error down to its user-facing
// sentence.
func reason(err error) string {
	var nac *capture.NotAContactError
	var fe *lead.FieldError
	var de *storage.DuplicateError
	switch {
	case errors.As(err, &nac):
		return nac.Error()
	case errors.As(err, &fe):
		return fe.Error()
	case errors.As(err, &de):
		return de.Error()
	}
	for _, sentinel := range []error{workflow.ErrOnlyBadgeID, capture.ErrNoCode, capture.ErrNotImage, capture.ErrTruncated,
		capture.ErrTooLarge, storage.ErrLocked, storage.ErrNotFound} {
		if errors.Is(err, sentinel) {
			return sentinel.Error()
		}
	}
	msg := err.Error()
	for _, prefix := range []string{"workflow: scan: save: ", "workflow: scan: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

// warnNotTaken prints, on stderr, each value a payload held that the
// contact did not take over; the lead is still read or saved, and its raw
// payload keeps the value. where names the file, if any.
func warnNotTaken(w io.Writer, where string, nts []capture.NotTaken) {
	if where != "" {
		where += ": "
	}
	for _, nt := range nts {
		fmt.Fprintf(w, "leadcap: warning: %snot taken over: %s\n", sanitize(where), sanitize(nt.String()))
	}
}
