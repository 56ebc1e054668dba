package main_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFollowupsListFilterAndDone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok("event", "create", "--name", "Expo", "--country", "DE", "--use")
	ada := id(t, e.ok("add", "--name", "Ada Lovelace", "--org", "Engines", "--email", "ada@example.com", "--staff", "Anna"))
	bob := id(t, e.ok("add", "--name", "Bob Barker", "--email", "bob@example.com", "--staff", "Ben"))
	today := time.Now().Format(time.DateOnly)
	e.ok("note", ada, "Send the quote", "--follow-up", "2020-01-15", "--author", "Anna")
	e.ok("note", ada, "Met at the booth")
	e.ok("note", bob, "Call about the demo", "--follow-up", today, "--author", "Ben")
	e.ok("note", bob, "Invite to the launch", "--follow-up", "2999-01-01", "--author", "Ben")

	out := e.ok("followups")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 4, out)
	assert.Regexp(t, `^2020-01-15\s+OVERDUE\s+Anna\s+`+ada+`\s+Ada Lovelace, Engines\s+Send the quote$`, lines[0])
	assert.Regexp(t, `^`+today+`\s+TODAY\s+Ben\s+`, lines[1])
	assert.Equal(t, "3 open follow-ups", lines[3])

	var objs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(e.ok("followups", "--due", today, "--json")), "\n") {
		var o map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &o))
		objs = append(objs, o)
	}
	require.Len(t, objs, 2, "the one due in 2999 is left out")
	assert.Equal(t, true, objs[0]["overdue"])
	assert.Equal(t, true, objs[1]["today"])
	assert.Contains(t, e.ok("followups", "--staff", " ben "), "2 open follow-ups")

	assert.Contains(t, e.ok("followups", "done", ada), "follow-up of 2020-01-15 on Ada Lovelace done")
	assert.NotContains(t, e.ok("followups"), "Send the quote")
	e.fails(1, []string{"followups", "done", ada}, "no open follow-up")
	e.fails(2, []string{"followups", "--due", "soon"}, "not a date")
}
