package workflow_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// device builds one laptop's store of the fair: the event (copied, so all
// devices share its ID), a quiet second event, and the people scanned.
func device(t *testing.T, ev lead.Event, quiet lead.Event, people ...*lead.Lead) *storage.Store {
	t.Helper()
	s := openStore(t)
	require.NoError(t, s.CreateEvent(&ev))
	require.NoError(t, s.CreateEvent(&quiet))
	for _, l := range people {
		require.NoError(t, s.AddLead(l))
	}
	return s
}

func person(ev lead.Event, name, email string, at time.Time, note string) *lead.Lead {
	l := lead.New(ev.ID, lead.MethodQRScan, at)
	l.Contact = lead.Contact{FullName: name, Organization: "ACME", Emails: []string{email}}
	l.Notes = []lead.Note{{ID: lead.NewID(), At: at, Author: "staff", Text: note}}
	return l
}

func bundleOf(t *testing.T, s *storage.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	_, err := workflow.Export(context.Background(), s, &b, workflow.FormatBundle, storage.Query{})
	require.NoError(t, err)
	return b.Bytes()
}

func TestMergeTwoDeviceExports(t *testing.T) {
	ctx := context.Background()
	ev := lead.Event{ID: lead.NewID(), Name: "Hannover Messe", Country: "DE"}
	quiet := lead.Event{ID: lead.NewID(), Name: "Press day"}
	t0 := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	adaA := person(ev, "Ada Lovelace", "ada@lovelace.example", t0.Add(2*time.Hour), "A: wants a demo")
	adaB := person(ev, "Ada Lovelace", "ADA@Lovelace.example", t0, "B: budget approved")
	adaB.Qualification = lead.Qualification{Fit: lead.Yes, Budget: lead.Yes, Authority: lead.Yes, Interest: lead.Yes}
	a := device(t, ev, quiet, adaA, person(ev, "Grace Hopper", "grace@navy.example", t0, "A: compilers"))
	b := device(t, ev, quiet, adaB, person(ev, "Alan Turing", "alan@npl.example", t0, "B: chess"))
	fileA, fileB := bundleOf(t, a), bundleOf(t, b)
	require.True(t, strings.HasPrefix(string(fileA), `{"leadcap_bundle":1,"events":[`))

	office := openStore(t)
	resA, err := workflow.ImportMerge(ctx, office, bytes.NewReader(fileA))
	require.NoError(t, err)
	assert.Equal(t, "created 2, merged 0, updated 0, unchanged 0", resA.Summary())
	assert.Equal(t, 2, resA.Events, "both events, the one without leads too")
	resB, err := workflow.ImportMerge(ctx, office, bytes.NewReader(fileB))
	require.NoError(t, err)
	assert.Equal(t, "created 1, merged 1, updated 0, unchanged 0", resB.Summary())

	leads, err := office.Leads(storage.Query{})
	require.NoError(t, err)
	require.Len(t, leads, 3)
	ada, err := office.Lead(adaA.ID)
	require.NoError(t, err)
	var notes []string
	for _, n := range ada.Notes {
		notes = append(notes, n.Text)
	}
	assert.ElementsMatch(t, []string{"A: wants a demo", "B: budget approved"}, notes)
	assert.Equal(t, lead.StageProspect, ada.Stage(), "the better qualification")
	assert.True(t, ada.CapturedAt.Equal(t0), "the earlier capture time")
	assert.True(t, ada.KnownAs(adaB.ID), "device B's ID is an alias")

	for _, f := range [][]byte{fileA, fileB} {
		again, err := workflow.ImportMerge(ctx, office, bytes.NewReader(f))
		require.NoError(t, err)
		assert.Equal(t, "created 0, merged 0, updated 0, unchanged 2", again.Summary())
	}
	require.NoError(t, office.Check())
}

func TestRemoveErasesAndTellsWho(t *testing.T) {
	s := openStore(t)
	ev := lead.Event{Name: "Hannover Messe", Country: "DE"}
	require.NoError(t, s.CreateEvent(&ev))
	l := person(ev, "Ada Lovelace", "ada@lovelace.example", time.Now(), "note")
	require.NoError(t, s.AddLead(l))
	tomb, err := workflow.Remove(s, l.ID, lead.OpErase, "")
	require.NoError(t, err)
	assert.NotEmpty(t, tomb.By, "the OS user is recorded")
	n, err := s.Count(storage.Query{})
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = workflow.Remove(s, l.ID, lead.OpDelete, "clerk")
	require.ErrorIs(t, err, storage.ErrRemoved)
}

// An erasure on one laptop reaches the back office through its bundle:
// the lead goes there too, and its bytes leave the office's file.
func TestBundleCarriesErasures(t *testing.T) {
	ctx := context.Background()
	ev := lead.Event{ID: lead.NewID(), Name: "Hannover Messe", Country: "DE"}
	t0 := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	ada := person(ev, "Ada Lovelace", "ada.erased@lovelace.example", t0, "A: wants a demo")
	grace := person(ev, "Grace Hopper", "grace@navy.example", t0, "A: compilers")
	a := device(t, ev, lead.Event{ID: lead.NewID(), Name: "Press day"}, ada, grace)
	office := openStore(t)
	_, err := workflow.ImportMerge(ctx, office, bytes.NewReader(bundleOf(t, a)))
	require.NoError(t, err)

	_, err = workflow.Remove(a, ada.ID, lead.OpErase, "clerk")
	require.NoError(t, err)
	file := bundleOf(t, a)
	assert.NotContains(t, string(file), "ada.erased@", "the bundle holds no personal data of the erased lead")
	res, err := workflow.ImportMerge(ctx, office, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, "created 0, merged 0, updated 0, unchanged 1, removed 1", res.Summary())
	_, err = office.Lead(ada.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	tomb, err := office.Tombstone(ada.ID)
	require.NoError(t, err)
	assert.Equal(t, "clerk", tomb.By)
	data, err := os.ReadFile(office.Path())
	require.NoError(t, err)
	assert.False(t, bytes.Contains(data, []byte("ada.erased@")), "the office's file was compacted")

	again, err := workflow.ImportMerge(ctx, office, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, "created 0, merged 0, updated 0, unchanged 1", again.Summary())
	require.NoError(t, office.Check())
}
