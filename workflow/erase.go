package workflow

import (
	"fmt"
	"os/user"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// Remove deletes a mistaken scan (lead.OpDelete) or erases a person's data
// on request (lead.OpErase), as the CLI's delete and erase and the app's
// lead screen do: the lead leaves every list, export and count, a
// tombstone records who removed it and when, and the CRM is told on the
// next sync. An erasure also compacts the database file so that the
// person's bytes leave it (storage.Store.Erase). by names who removed the
// lead; empty means the operating system's user.
func Remove(s *storage.Store, id uuid.UUID, op lead.Op, by string) (lead.Tombstone, error) {
	if by == "" {
		by = osUser()
	}
	var t lead.Tombstone
	var err error
	if op == lead.OpErase {
		t, err = s.Erase(id, by)
	} else {
		t, err = s.RemoveLead(id, op, by)
	}
	if err != nil {
		return t, fmt.Errorf("workflow: %s lead %s: %w", op, id, err)
	}
	return t, nil
}

// osUser returns the login name of the user running leadcap, or "unknown".
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
