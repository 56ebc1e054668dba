package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"leadcap/lead"
)

// Settings keys the store itself reads.
const (
	// SettingActiveEvent holds the ID of the event new leads get by default.
	SettingActiveEvent = "active_event"
)

func (b *bx) putEvent(ev *lead.Event) error {
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	delete(b.events0, ev.ID)
	return fatal(b.events.Put(ev.ID[:], data))
}

// CreateEvent validates and saves a new event, assigning an ID when it has
// none and CreatedAt when unset. An existing ID fails with ErrExists. On
// success ev holds what was stored.
func (s *Store) CreateEvent(ev *lead.Event) error {
	c := *ev
	err := s.update(func(b *bx) error {
		if err := c.Validate(); err != nil {
			return err
		}
		if c.ID == uuid.Nil {
			c.ID = lead.NewID()
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = s.now().UTC()
		}
		if b.events.Get(c.ID[:]) != nil {
			return fmt.Errorf("event %s: %w", c.ID, ErrExists)
		}
		return b.putEvent(&c)
	})
	if err != nil {
		return fmt.Errorf("storage: create event: %w", err)
	}
	*ev = c
	return nil
}

// UpdateEvent validates and saves an existing event (ErrNotFound when
// there is none with that ID). A zero CreatedAt keeps the stored one.
func (s *Store) UpdateEvent(ev *lead.Event) error {
	c := *ev
	err := s.update(func(b *bx) error {
		if err := c.Validate(); err != nil {
			return err
		}
		old, err := b.event(c.ID)
		if err != nil {
			return err
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = old.CreatedAt
		}
		return b.putEvent(&c)
	})
	if err != nil {
		return fmt.Errorf("storage: update event %s: %w", c.ID, err)
	}
	*ev = c
	return nil
}

// Event returns the event with that ID, or an error wrapping ErrNotFound.
func (s *Store) Event(id uuid.UUID) (lead.Event, error) {
	var ev lead.Event
	err := s.view(func(b *bx) error {
		var err error
		ev, err = b.event(id)
		return err
	})
	if err != nil {
		return lead.Event{}, fmt.Errorf("storage: %w", err)
	}
	return ev, nil
}

// Events returns every event sorted by start date, then name.
func (s *Store) Events() ([]lead.Event, error) {
	var evs []lead.Event
	err := s.view(func(b *bx) error {
		return b.events.ForEach(func(k, v []byte) error {
			var ev lead.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("event %x: %w (%v)", k, ErrDamaged, err)
			}
			evs = append(evs, ev)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: list events: %w", err)
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].Start.Equal(evs[j].Start) {
			return evs[i].Start.Before(evs[j].Start)
		}
		return strings.ToLower(evs[i].Name) < strings.ToLower(evs[j].Name)
	})
	return evs, nil
}

// FindEvent accepts a full event ID, a unique prefix of one, or an event
// name (case-insensitive). Several matches fail with ErrAmbiguous, none with
// ErrNotFound.
func (s *Store) FindEvent(idOrName string) (lead.Event, error) {
	in := strings.TrimSpace(idOrName)
	if id, err := uuid.Parse(in); err == nil {
		return s.Event(id)
	}
	evs, err := s.Events()
	if err != nil {
		return lead.Event{}, err
	}
	var byName, byPrefix []lead.Event
	low := strings.ToLower(in)
	for _, ev := range evs {
		if strings.EqualFold(ev.Name, in) {
			byName = append(byName, ev)
		}
		if low != "" && strings.HasPrefix(ev.ID.String(), low) {
			byPrefix = append(byPrefix, ev)
		}
	}
	for _, m := range [][]lead.Event{byName, byPrefix} {
		switch len(m) {
		case 0:
			continue
		case 1:
			return m[0], nil
		default:
			return lead.Event{}, fmt.Errorf("storage: find event %q: %d events %w", idOrName, len(m), ErrAmbiguous)
		}
	}
	return lead.Event{}, fmt.Errorf("storage: find event %q: %w", idOrName, ErrNotFound)
}

// SetActiveEvent makes the event the default for new leads.
func (s *Store) SetActiveEvent(id uuid.UUID) error {
	err := s.update(func(b *bx) error {
		if _, err := b.event(id); err != nil {
			return err
		}
		return fatal(b.settings.Put([]byte(SettingActiveEvent), []byte(id.String())))
	})
	if err != nil {
		return fmt.Errorf("storage: set active event: %w", err)
	}
	return nil
}

func (b *bx) activeEvent() (lead.Event, error) {
	v := b.settings.Get([]byte(SettingActiveEvent))
	if len(v) == 0 {
		return lead.Event{}, ErrNoActiveEvent
	}
	id, err := uuid.ParseBytes(v)
	if err != nil {
		return lead.Event{}, ErrNoActiveEvent
	}
	ev, err := b.event(id)
	if errors.Is(err, ErrNotFound) {
		return lead.Event{}, ErrNoActiveEvent
	}
	return ev, err
}

// ActiveEvent returns the event new leads get by default, or an error
// wrapping ErrNoActiveEvent.
func (s *Store) ActiveEvent() (lead.Event, error) {
	var ev lead.Event
	err := s.view(func(b *bx) error {
		var err error
		ev, err = b.activeEvent()
		return err
	})
	if err != nil {
		return lead.Event{}, fmt.Errorf("storage: active event: %w", err)
	}
	return ev, nil
}

// Setting returns a setting's value, "" when unset.
func (s *Store) Setting(key string) (string, error) {
	var v string
	err := s.view(func(b *bx) error {
		v = string(b.settings.Get([]byte(key)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("storage: read setting %q: %w", key, err)
	}
	return v, nil
}

var secretWords = []string{"secret", "password", "passwd", "token", "apikey", "api_key", "api-key", "credential"}

// SetSetting stores a non-secret setting; an empty value removes it. Keys
// that name a secret (password, token, secret, API key) fail with
// ErrSecretSetting.
func (s *Store) SetSetting(key, value string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return errors.New("storage: save setting: the key is empty")
	}
	low := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(low, w) {
			return fmt.Errorf("storage: save setting %q: %w", key, ErrSecretSetting)
		}
	}
	err := s.update(func(b *bx) error {
		if value == "" {
			return fatal(b.settings.Delete([]byte(key)))
		}
		return fatal(b.settings.Put([]byte(key), []byte(value)))
	})
	if err != nil {
		return fmt.Errorf("storage: save setting %q: %w", key, err)
	}
	return nil
}
