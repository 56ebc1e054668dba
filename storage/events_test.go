package storage

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

func TestEvents(t *testing.T) {
	s, _ := openTest(t)

	late := lead.Event{Name: "Hannover Messe", Country: "de", Start: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, s.CreateEvent(&late))
	assert.NotEqual(t, uuid.Nil, late.ID)
	assert.Equal(t, "DE", late.Country, "Validate upper-cases the country")
	assert.False(t, late.CreatedAt.IsZero())

	early := lead.Event{Name: "embedded world", Start: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, s.CreateEvent(&early))
	same := lead.Event{Name: "Automatica", Start: early.Start}
	require.NoError(t, s.CreateEvent(&same))

	var fe *lead.FieldError
	require.ErrorAs(t, s.CreateEvent(&lead.Event{Name: " "}), &fe)
	assert.Equal(t, "name", fe.Field)
	require.ErrorIs(t, s.CreateEvent(&lead.Event{ID: late.ID, Name: "again"}), ErrExists)

	evs, err := s.Events()
	require.NoError(t, err)
	require.Len(t, evs, 3)
	assert.Equal(t, []string{"Automatica", "embedded world", "Hannover Messe"}, []string{evs[0].Name, evs[1].Name, evs[2].Name})

	got, err := s.Event(late.ID)
	require.NoError(t, err)
	assert.Equal(t, late.Name, got.Name)
	_, err = s.Event(uuid.New())
	require.ErrorIs(t, err, ErrNotFound)

	late.Booth = "Hall 9, B12"
	late.CreatedAt = time.Time{}
	require.NoError(t, s.UpdateEvent(&late))
	got, err = s.Event(late.ID)
	require.NoError(t, err)
	assert.Equal(t, "Hall 9, B12", got.Booth)
	assert.False(t, got.CreatedAt.IsZero(), "UpdateEvent keeps CreatedAt")
	require.ErrorIs(t, s.UpdateEvent(&lead.Event{ID: uuid.New(), Name: "ghost"}), ErrNotFound)
}

func TestFindEvent(t *testing.T) {
	s, _ := openTest(t)
	a := mustEvent(t, s, "Hannover Messe", "DE")
	mustEvent(t, s, "Twin", "")
	mustEvent(t, s, "twin", "")

	for _, in := range []string{a.ID.String(), a.ID.String()[:28], "hannover messe", "  HANNOVER MESSE "} {
		got, err := s.FindEvent(in)
		require.NoError(t, err, in)
		assert.Equal(t, a.ID, got.ID, in)
	}
	_, err := s.FindEvent("TWIN")
	require.ErrorIs(t, err, ErrAmbiguous)
	_, err = s.FindEvent("CeBIT")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestActiveEventAndSettings(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.ActiveEvent()
	require.ErrorIs(t, err, ErrNoActiveEvent)
	require.ErrorIs(t, s.SetActiveEvent(uuid.New()), ErrNotFound)

	ev := mustEvent(t, s, "Hannover Messe", "DE")
	require.NoError(t, s.SetActiveEvent(ev.ID))
	got, err := s.ActiveEvent()
	require.NoError(t, err)
	assert.Equal(t, ev.ID, got.ID)
	v, err := s.Setting(SettingActiveEvent)
	require.NoError(t, err)
	assert.Equal(t, ev.ID.String(), v)

	v, err = s.Setting("crm.url")
	require.NoError(t, err)
	assert.Empty(t, v)
	require.NoError(t, s.SetSetting("crm.url", "https://crm.example.com"))
	v, err = s.Setting("crm.url")
	require.NoError(t, err)
	assert.Equal(t, "https://crm.example.com", v)
	require.NoError(t, s.SetSetting("crm.url", ""))
	v, err = s.Setting("crm.url")
	require.NoError(t, err)
	assert.Empty(t, v, "an empty value removes the setting")

	for _, k := range []string{"crm.password", "crm.api_key", "hubspot.Token", "crm.secret"} {
		require.ErrorIs(t, s.SetSetting(k, "hunter2"), ErrSecretSetting, k)
	}
	require.Error(t, s.SetSetting(" ", "x"))
}
