package main_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// An erasure reaches the real Tryton once: the party and the opportunity
// are gone after the sync, and the person's email is gone from the file.
func TestEraseAndDeleteAgainstRealTryton(t *testing.T) {
	t.Parallel()
	url, db, user, password := trytonEnvironment(t)
	cl := newTrytonRPC(t, url, db, user, password)
	e := newCRMEnv(t, password)
	e.okCRM("crm", "set", "tryton", "--url", url, "--database", db, "--user", user)
	var email string
	ids := e.seed(3, func(i int, l *lead.Lead) {
		l.Contact.Organization = fmt.Sprintf("Erase Test %d", i)
		if i == 0 {
			email = l.Contact.Emails[0]
		}
	})
	assert.Equal(t, "synced 3, failed 0, dead 0, pending 0\n", e.okCRM("sync"))
	erased, deleted, kept := ids[0].String(), ids[1].String(), ids[2].String()
	require.Equal(t, 1, cl.count("party.party", []any{[]any{"code", "=", erased}}))

	e.fails(2, []string{"erase", erased}, "cannot be undone", "--yes")
	out := e.ok("erase", erased, "--yes", "--by", "Clerk Kent")
	assert.Equal(t, "erased lead "+erased+" (by Clerk Kent); the CRM is told on the next 'leadcap sync'\n", out)
	out = e.ok("delete", deleted[:23]) // a prefix: the first 12 digits are the capture time, shared by leads made in the same millisecond
	assert.Contains(t, out, "deleted lead "+deleted)
	e.fails(1, []string{"erase", erased, "--yes"}, "no lead has the ID")
	assert.Len(t, jsonLines(t, e.ok("list", "--json")), 1, "gone from the list")
	assert.NotContains(t, e.ok("export", "--format", "jsonl"), erased, "gone from exports")
	data, err := os.ReadFile(e.db)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(data, []byte(email)), "the erased email is still in the database file")

	assert.Equal(t, "synced 2, failed 0, dead 0, pending 0\n", e.okCRM("sync"), "the two removals")
	for _, gone := range []string{erased, deleted} {
		assert.Equal(t, 0, cl.count("party.party", []any{[]any{"code", "=", gone}}), "party of %s", gone)
		assert.Equal(t, 0, cl.count("sale.opportunity", []any{[]any{"reference", "=", gone}}), "opportunity of %s", gone)
	}
	assert.Equal(t, 0, cl.count("party.contact_mechanism", []any{[]any{"value", "=", email}}))
	assert.Equal(t, 1, cl.count("party.party", []any{[]any{"code", "=", kept}}), "the other lead stays")
	assert.Equal(t, "synced 0, failed 0, dead 0, pending 0\n", e.okCRM("sync"), "exactly once")
	e.assertSecretNotStored()
}

// Two laptops at one fair: their bundles merge into one database, the same
// person once, and importing them again changes nothing.
func TestImportMergesTwoDevices(t *testing.T) {
	t.Parallel()
	a := newEnv(t)
	a.withEvent()
	a.ok("event", "create", "--name", "Press day")
	b := &env{t: t, dir: a.dir, db: filepath.Join(a.dir, "b.db")}
	write := func(name, content string) string {
		require.NoError(t, os.WriteFile(filepath.Join(a.dir, name), []byte(content), 0o644))
		return name
	}
	b.ok("import", write("events.bundle", a.ok("export", "--format", "bundle")))
	b.ok("event", "use", "Hannover Messe 2026")

	adaA := id(t, a.ok("add", "--name", "Ada Lovelace", "--email", "ada@lovelace.example", "--note", "A: wants a demo"))
	a.ok("add", "--name", "Grace Hopper", "--email", "grace@navy.example")
	adaB := id(t, b.ok("add", "--name", "Ada Lovelace", "--email", "ADA@lovelace.example", "--note", "B: budget approved"))
	b.ok("qualify", adaB, "--fit", "yes", "--budget", "yes", "--authority", "yes", "--interest", "yes")
	b.ok("add", "--name", "Alan Turing", "--email", "alan@npl.example")
	fa := write("a.bundle", a.ok("export", "--format", "bundle"))
	fb := write("b.jsonl", b.ok("export", "--format", "jsonl"))

	office := &env{t: t, dir: a.dir, db: filepath.Join(a.dir, "office.db")}
	assert.Equal(t, "a.bundle: created 2, merged 0, updated 0, unchanged 0 (2 events created)\n"+
		"b.jsonl: created 1, merged 1, updated 0, unchanged 0\n", office.ok("import", fa, fb))
	assert.Equal(t, "a.bundle: created 0, merged 0, updated 0, unchanged 2\n"+
		"b.jsonl: created 0, merged 0, updated 0, unchanged 2\n", office.ok("import", fa, fb), "a second import changes nothing")
	assert.Len(t, jsonLines(t, office.ok("list", "--json")), 3)
	show := office.ok("show", adaA)
	assert.Contains(t, show, "A: wants a demo")
	assert.Contains(t, show, "B: budget approved")
	assert.Contains(t, show, "prospect")
	assert.True(t, strings.Contains(office.ok("export", "--format", "jsonl"), adaB), "device B's ID is kept as an alias")
}
