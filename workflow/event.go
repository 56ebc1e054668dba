package workflow

import (
	"fmt"

	"leadcap/lead"
	"leadcap/storage"
)

// ResolveEvent returns the event new leads go to: the one named by
// idOrName (full ID, unique ID prefix or name) when it is not empty, else
// the active event. Without an active event the error wraps
// storage.ErrNoActiveEvent; an unknown event wraps storage.ErrNotFound.
func ResolveEvent(s *storage.Store, idOrName string) (lead.Event, error) {
	if idOrName == "" {
		ev, err := s.ActiveEvent()
		if err != nil {
			return lead.Event{}, fmt.Errorf("workflow: active event: %w", err)
		}
		return ev, nil
	}
	ev, err := s.FindEvent(idOrName)
	if err != nil {
		return lead.Event{}, fmt.Errorf("workflow: event %q: %w", idOrName, err)
	}
	return ev, nil
}
