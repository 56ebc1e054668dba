package lead_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"leadcap/lead"
)

func TestMergeCapture(t *testing.T) {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	known := lead.Note{ID: uuid.MustParse("0195a1b2-0000-7000-8000-000000000001"), At: at, Text: "Met at the booth"}
	fresh := lead.Note{ID: uuid.MustParse("0195a1b2-0000-7000-8000-000000000002"), At: at, Text: "Wants a demo"}
	tests := []struct {
		name    string
		have    lead.Lead
		other   lead.Lead
		want    lead.Lead
		changed bool
	}{
		{
			name:    "second scan of the same card",
			have:    lead.Lead{Contact: lead.Contact{FullName: "Ana Silva"}, RawPayload: "MECARD:N:Silva,Ana;;", BadgeID: "B-1", Notes: []lead.Note{known}},
			other:   lead.Lead{Contact: lead.Contact{FullName: "Ana Silva"}, RawPayload: "MECARD:N:Silva,Ana;;", BadgeID: "B-1", Notes: []lead.Note{known}},
			want:    lead.Lead{Contact: lead.Contact{FullName: "Ana Silva"}, RawPayload: "MECARD:N:Silva,Ana;;", BadgeID: "B-1", Notes: []lead.Note{known}},
			changed: false,
		},
		{
			name:    "typed-in lead, then the badge is scanned",
			have:    lead.Lead{Contact: lead.Contact{FullName: "Ana Silva", Emails: []string{"ana@acme.example"}}},
			other:   lead.Lead{Contact: lead.Contact{FullName: "A. Silva", Organization: "Acme", Emails: []string{"ana@acme.example"}}, RawPayload: "BEGIN:VCARD...", BadgeID: "B-2"},
			want:    lead.Lead{Contact: lead.Contact{FullName: "Ana Silva", Organization: "Acme", Emails: []string{"ana@acme.example"}}, RawPayload: "BEGIN:VCARD...", BadgeID: "B-2"},
			changed: true,
		},
		{
			name:    "payload and badge already recorded are kept",
			have:    lead.Lead{RawPayload: "first payload", BadgeID: "B-3"},
			other:   lead.Lead{RawPayload: "second payload", BadgeID: "B-4"},
			want:    lead.Lead{RawPayload: "first payload", BadgeID: "B-3"},
			changed: false,
		},
		{
			name:    "a new note is added after the known ones, a known one once",
			have:    lead.Lead{Notes: []lead.Note{known}},
			other:   lead.Lead{Notes: []lead.Note{known, fresh}},
			want:    lead.Lead{Notes: []lead.Note{known, fresh}},
			changed: true,
		},
		{
			name:    "only a new phone",
			have:    lead.Lead{Contact: lead.Contact{Phones: []lead.Phone{{Number: "+4930123456"}}}},
			other:   lead.Lead{Contact: lead.Contact{Phones: []lead.Phone{{Number: "+4930123456"}, {Number: "+491712345678"}}}},
			want:    lead.Lead{Contact: lead.Contact{Phones: []lead.Phone{{Number: "+4930123456"}, {Number: "+491712345678"}}}},
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.have
			assert.Equal(t, tt.changed, l.MergeCapture(&tt.other))
			assert.Equal(t, tt.want, l)
		})
	}
}
