package main_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventQuestionsAddListAnswerRemove(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok("event", "create", "--name", "Expo", "--country", "DE", "--use")
	assert.Equal(t, "q1\n", e.ok("event", "questions", "add", "--kind", "yesno", "Uses SAP?"))
	assert.Equal(t, "fleet\n", e.ok("event", "questions", "add", "--id", "fleet", "--kind", "number", "Fleet size"))
	assert.Equal(t, "q3\n", e.ok("event", "questions", "add", "--kind", "choice", "--choice", "Now", "--choice", "This year", "--choice", "Later", "When do they buy?"))
	e.fails(1, []string{"event", "questions", "add", "--kind", "choice", "--choice", "Only", "Pick one"}, "at least two")
	e.fails(1, []string{"event", "questions", "add", "--id", "fleet", "Again"}, "already has a question")

	out := e.ok("event", "questions", "list")
	assert.Regexp(t, `(?m)^q1\s+yesno\s+Uses SAP\?$`, out)
	assert.Regexp(t, `(?m)^q3\s+choice \(Now / This year / Later\)\s+When do they buy\?$`, out)

	ada := id(t, e.ok("add", "--name", "Ada Lovelace", "--email", "ada@example.com"))
	assert.JSONEq(t, `{"q1":"yes","fleet":"120.5","q3":"This year"}`, e.ok("event", "questions", "answer", ada, "q1=Y", "fleet=120,5", "q3=this year"))
	e.fails(1, []string{"event", "questions", "answer", ada, "q3=Never"}, "not one of the answers")
	e.fails(1, []string{"event", "questions", "answer", ada, "nope=1"}, "no question with this ID")

	export := e.ok("export", "--format", "jsonl")
	assert.Contains(t, export, `"answers":{"fleet":"120.5","q1":"yes","q3":"This year"}`)

	e.ok("event", "questions", "remove", "fleet")
	require.NotContains(t, e.ok("event", "questions", "list"), "Fleet")
	e.fails(1, []string{"event", "questions", "remove", "fleet"}, "no question with this ID")
	shown := e.ok("show", ada, "--json")
	assert.False(t, strings.Contains(shown, `"fleet"`), "the question's answers go with it (and from the CRM at the next sync)")
	assert.True(t, strings.Contains(shown, `"q3": "This year"`), "the other answers stay")
}

func TestEventQuestionsMapToACRMField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok("event", "create", "--name", "Expo", "--country", "DE", "--use")
	assert.Equal(t, "q1\n", e.ok("event", "questions", "add", "--kind", "yesno", "--crm-field", "leadcap_sap", "Uses SAP?"))
	assert.Equal(t, "q2\n", e.ok("event", "questions", "add", "Which line?"))
	e.fails(1, []string{"event", "questions", "map", "q2", "Which line"}, "internal name")
	e.fails(1, []string{"event", "questions", "map", "q2", "LEADCAP_SAP"}, "already goes to this CRM field")
	e.fails(1, []string{"event", "questions", "map", "q9", "x"}, "no question with this ID")
	e.ok("event", "questions", "map", "q2", "Product_Line__c")
	out := e.ok("event", "questions", "list")
	assert.Regexp(t, `(?m)^q1\s+yesno\s+Uses SAP\?\s+-> leadcap_sap$`, out)
	assert.Regexp(t, `(?m)^q2\s+text\s+Which line\?\s+-> Product_Line__c$`, out)
	e.ok("event", "questions", "map", "q1", "")
	assert.Regexp(t, `(?m)^q1\s+yesno\s+Uses SAP\?$`, e.ok("event", "questions", "list"))
}
