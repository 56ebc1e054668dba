package storage

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"

	"leadcap/lead"
)

// fold must give lead.Fold's words, fast path or not.
func TestFoldAgreesWithLeadFold(t *testing.T) {
	for _, s := range []string{
		"Jürgen Müller", "ÉMILE Lefèvre", "Łukasz Åberg", "Søren Ørsted", "Straße", "İstanbul Işık",
		"Zoë  Ñandú\tçà", "person7@example-12.com", "Δημήτρης", "山田 太郎", "Ǆemal Ǳ", "naïve café",
		"e\u0301cole", // a decomposed accent
	} {
		assert.Equal(t, searchWordsSlow(s), searchWords(s), "%q", s)
	}
}

func searchWordsSlow(s string) []string {
	return strings.FieldsFunc(lead.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
