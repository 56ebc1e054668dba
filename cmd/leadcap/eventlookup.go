package main

import (
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// targetEvent returns the event new leads go to: the one --event names
// (key), else the active event.
func targetEvent(s *storage.Store, key string) (lead.Event, error) {
	ev, err := workflow.ResolveEvent(s, key)
	if err != nil && key != "" {
		return ev, eventLookupError(key, err)
	}
	return ev, err
}

// eventFilter returns the ID of the event --event names (key) to filter
// leads by, or uuid.Nil (all events) when key is empty.
func eventFilter(s *storage.Store, key string) (uuid.UUID, error) {
	if key == "" {
		return uuid.Nil, nil
	}
	ev, err := s.FindEvent(key)
	if err != nil {
		return uuid.Nil, eventLookupError(key, err)
	}
	return ev.ID, nil
}

// eventLookupError explains a failed FindEvent.
func eventLookupError(key string, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return failf("no event has the ID, ID prefix or name %q: run 'leadcap event list' to see the events.", key)
	}
	if errors.Is(err, storage.ErrLocked) || errors.Is(err, storage.ErrDamaged) {
		return err
	}
	return failf("cannot tell which event %q means (%v): use the full ID from 'leadcap event list'.", key, err)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func dates(start, end time.Time) string {
	switch {
	case start.IsZero() && end.IsZero():
		return ""
	case end.IsZero() || end.Equal(start):
		return day(start)
	case start.IsZero():
		return "until " + day(end)
	}
	return day(start) + " – " + day(end)
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
