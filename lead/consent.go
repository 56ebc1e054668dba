package lead

import (
	"fmt"
	"strings"
	"time"
)

// LegalBasis is the legal ground on which the company may contact a person
// (GDPR Art. 6): none until recorded.
type LegalBasis string

// The legal bases. The zero value reads as BasisNone.
const (
	BasisNone               LegalBasis = "none"
	BasisLegitimateInterest LegalBasis = "legitimate-interest"
	BasisConsent            LegalBasis = "consent"
)

// ParseLegalBasis reads none, legitimate-interest or consent.
func ParseLegalBasis(s string) (LegalBasis, error) {
	switch b := LegalBasis(strings.ToLower(strings.TrimSpace(s))); b {
	case "", BasisNone:
		return BasisNone, nil
	case BasisLegitimateInterest, BasisConsent:
		return b, nil
	}
	return "", fmt.Errorf("%q is not a legal basis: use none, legitimate-interest or consent", s)
}

// ConsentStatus is where a request for permission stands. The zero value
// means nothing was asked yet.
type ConsentStatus string

// The consent statuses.
const (
	ConsentNotAsked  ConsentStatus = ""
	ConsentRequested ConsentStatus = "requested"
	ConsentActive    ConsentStatus = "active"
	ConsentRevoked   ConsentStatus = "revoked"
)

// ParseConsentStatus reads requested, active or revoked.
func ParseConsentStatus(s string) (ConsentStatus, error) {
	switch st := ConsentStatus(strings.ToLower(strings.TrimSpace(s))); st {
	case ConsentRequested, ConsentActive, ConsentRevoked:
		return st, nil
	}
	return "", fmt.Errorf("%q is not a consent status: use requested, active or revoked", s)
}

// Consent records whether and on which basis the person may be contacted
// regularly. A lead starts with none: the zero value means no permission.
type Consent struct {
	Basis  LegalBasis    `json:"basis"`
	Status ConsentStatus `json:"status,omitempty"`
	// WordingVersion identifies the consent text the person was shown.
	WordingVersion string `json:"wording_version,omitempty"`
	// At is when the status was last recorded.
	At time.Time `json:"at,omitzero"`
}

// Permitted reports whether the person may be contacted regularly: only with
// a recorded basis and an active status. A lead without a record is not.
func (c Consent) Permitted() bool {
	return c.Basis != "" && c.Basis != BasisNone && c.Status == ConsentActive
}

// Summary is a short human-readable line, e.g. "no permission recorded" or
// "consent active (wording v3)".
func (c Consent) Summary() string {
	if c.Basis == "" || c.Basis == BasisNone {
		if c.Status == ConsentNotAsked {
			return "no permission recorded"
		}
		return "no legal basis, " + string(c.Status)
	}
	s := string(c.Basis)
	if c.Status != "" {
		s += " " + string(c.Status)
	}
	if c.WordingVersion != "" {
		s += " (wording " + c.WordingVersion + ")"
	}
	return s
}
