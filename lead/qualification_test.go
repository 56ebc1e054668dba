package lead_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// TestStageAllCombinations walks every combination of the four criteria,
// with and without explicit disqualification: 3^4 * 2 = 162 cases.
func TestStageAllCombinations(t *testing.T) {
	answers := []lead.Answer{lead.Unknown, lead.Yes, lead.No}
	n := 0
	for _, fit := range answers {
		for _, budget := range answers {
			for _, authority := range answers {
				for _, interest := range answers {
					for _, dq := range []bool{false, true} {
						q := lead.Qualification{Fit: fit, Budget: budget, Authority: authority, Interest: interest, Disqualified: dq}
						want := lead.StageLead
						allYes := fit == lead.Yes && budget == lead.Yes && authority == lead.Yes && interest == lead.Yes
						if dq {
							want = lead.StageDisqualified
						} else if allYes {
							want = lead.StageProspect
						}
						name := fmt.Sprintf("fit=%s budget=%s authority=%s interest=%s disqualified=%t", fit, budget, authority, interest, dq)
						assert.Equal(t, want, q.Stage(), name)
						if !dq && !allYes {
							assert.NotEmpty(t, q.Missing(), name)
						}
						n++
					}
				}
			}
		}
	}
	assert.Equal(t, 162, n)
}

func TestStageExamples(t *testing.T) {
	tests := []struct {
		name string
		q    lead.Qualification
		want lead.Stage
	}{
		{"new contact from a badge scan", lead.Qualification{}, lead.StageLead},
		{"three of four confirmed", lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes}, lead.StageLead},
		{"no budget does not disqualify by itself", lead.Qualification{Budget: lead.No}, lead.StageLead},
		{"all four confirmed", lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}, lead.StageProspect},
		{"staff disqualified a qualified contact", lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes, Disqualified: true}, lead.StageDisqualified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.q.Stage())
			l := lead.Lead{Qualification: tt.q}
			assert.Equal(t, tt.want, l.Stage())
		})
	}
}

func TestMissing(t *testing.T) {
	q := lead.Qualification{Fit: lead.Yes, Authority: lead.No}
	assert.Equal(t, []string{"budget", "authority", "interest"}, q.Missing())
	q = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	assert.Empty(t, q.Missing())
}

func TestAnswerText(t *testing.T) {
	for in, want := range map[string]lead.Answer{"yes": lead.Yes, "Y": lead.Yes, "no": lead.No, "false": lead.No, "unknown": lead.Unknown, "": lead.Unknown, "?": lead.Unknown} {
		got, err := lead.ParseAnswer(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := lead.ParseAnswer("maybe")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "use yes, no or unknown")

	b, err := json.Marshal(lead.Qualification{Fit: lead.Yes, Budget: lead.No})
	require.NoError(t, err)
	assert.JSONEq(t, `{"fit":"yes","budget":"no","authority":"unknown","interest":"unknown"}`, string(b))
	var q lead.Qualification
	require.NoError(t, json.Unmarshal(b, &q))
	assert.Equal(t, lead.Yes, q.Fit)
	assert.Equal(t, lead.No, q.Budget)
	assert.Error(t, json.Unmarshal([]byte(`{"fit":"perhaps"}`), &q))
}

func TestParseStageAndRating(t *testing.T) {
	s, err := lead.ParseStage("Prospect")
	require.NoError(t, err)
	assert.Equal(t, lead.StageProspect, s)
	_, err = lead.ParseStage("customer")
	assert.ErrorContains(t, err, "use lead, prospect or disqualified")

	r, err := lead.ParseRating("HOT")
	require.NoError(t, err)
	assert.Equal(t, lead.RatingHot, r)
	r, err = lead.ParseRating("")
	require.NoError(t, err)
	assert.Equal(t, lead.RatingUnrated, r)
	_, err = lead.ParseRating("lukewarm")
	assert.Error(t, err)
	b, _ := json.Marshal(lead.Rating(""))
	assert.Equal(t, `"unrated"`, string(b))
}

func TestConsent(t *testing.T) {
	var none lead.Consent
	assert.False(t, none.Permitted(), "a lead starts without permission")
	assert.Equal(t, "no permission recorded", none.Summary())
	assert.False(t, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentRequested}.Permitted())
	assert.False(t, lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentRevoked}.Permitted())
	assert.False(t, lead.Consent{Basis: lead.BasisNone, Status: lead.ConsentActive}.Permitted())
	c := lead.Consent{Basis: lead.BasisConsent, Status: lead.ConsentActive, WordingVersion: "v3"}
	assert.True(t, c.Permitted())
	assert.Equal(t, "consent active (wording v3)", c.Summary())
	assert.True(t, lead.Consent{Basis: lead.BasisLegitimateInterest, Status: lead.ConsentActive}.Permitted())

	b, err := lead.ParseLegalBasis("legitimate-interest")
	require.NoError(t, err)
	assert.Equal(t, lead.BasisLegitimateInterest, b)
	_, err = lead.ParseLegalBasis("opt-in")
	assert.Error(t, err)
	st, err := lead.ParseConsentStatus("active")
	require.NoError(t, err)
	assert.Equal(t, lead.ConsentActive, st)
	_, err = lead.ParseConsentStatus("")
	assert.Error(t, err)
}
