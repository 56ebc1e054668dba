package storage

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// ErrLocked means another process (usually another leadcap window or
// command) holds the database open.
var ErrLocked = errors.New("the database is in use by another leadcap process: close it and try again")

// ErrNotFound means the lead or event does not exist.
var ErrNotFound = errors.New("not found")

// ErrNoActiveEvent means no event was chosen as the active one and the caller
// gave none.
var ErrNoActiveEvent = errors.New("no active event: choose the event you are capturing leads for")

// ErrDamaged means the file is not a leadcap database or is damaged. The
// file is left untouched.
var ErrDamaged = errors.New("the file is not a leadcap database or is damaged: restore it from a backup")

// ErrEmptyFile means the database file exists but holds nothing (0 bytes),
// as left by a full disk, a failed copy or a script that truncated it. It
// is not taken as a new, empty database: the leads it held may be in a
// backup.
var ErrEmptyFile = errors.New("the database file is empty (0 bytes): restore it from a backup with 'leadcap restore FILE', or delete it to start a new database")

// ErrIsDirectory means the database path names a directory.
var ErrIsDirectory = errors.New("the database path is a directory: give the path of the database file (for example DIR/leadcap.db)")

// ErrNotAFile means the database path names something that is neither a
// file nor a directory (a pipe, a socket or a device).
var ErrNotAFile = errors.New("the database path is not a regular file (a pipe, socket or device): give the path of the database file")

// ErrBadVersion means a lead's version is impossible: negative, or higher
// than MaxVersion, which no number of edits reaches. It would wrap to a
// negative number on the next edit, after which an old copy would win.
var ErrBadVersion = errors.New("the lead's version is impossible (negative or above 2^53): fix the \"version\" in the file; leadcap counts versions from 1")

// ErrConflict means an imported lead has the same ID and version as the
// stored one but different content: two copies were edited apart. Neither
// is chosen; the stored one is kept.
var ErrConflict = errors.New("the stored lead has the same version but different content (edited in two places): the stored lead was kept; edit it, or export it, merge the two by hand and import with a higher version")

// ErrOwnFile means an export or backup was aimed at the database itself
// or at one of the copies Restore keeps next to it.
var ErrOwnFile = errors.New("that file is the database or a copy kept by restore: choose another file name")

// ErrNeedsUpgrade means a read-only open met a database of an older schema
// (or one whose indexes are to be rebuilt), which only a writable open
// upgrades.
var ErrNeedsUpgrade = errors.New("the database needs an upgrade by this leadcap: open it once without read-only")

// ErrNewerSchema means the file was written by a newer leadcap, which this
// version cannot read without risking data loss.
var ErrNewerSchema = errors.New("the database was written by a newer leadcap: update leadcap to open it")

// ErrAmbiguous means an ID prefix or event name matches more than one
// record.
var ErrAmbiguous = errors.New("matches more than one record: give more of the ID")

// ErrBadID means a lead ID given to look a lead up is not one: it has
// other characters than hexadecimal digits and dashes. A lead ID is a UUID
// or at least 8 of its hexadecimal characters, as list shows it.
var ErrBadID = errors.New("not a lead ID: a lead ID is a UUID or at least 8 of its hex characters")

// ErrShortID means an ID prefix has fewer than 8 hexadecimal characters,
// too few to look a lead up by (leads captured within the same hour share
// their first 8).
var ErrShortID = errors.New("too short for a lead ID: give at least 8 of its hex characters")

// ErrExists means a record with that ID already exists.
var ErrExists = errors.New("already exists")

// ErrSecretSetting means a caller tried to store something that looks like
// a password or token in the settings. Secrets never go into the database:
// leadcap reads them from the environment (LEADCAP_CRM_SECRET).
var ErrSecretSetting = errors.New("secrets are not stored in the database: pass them in LEADCAP_CRM_SECRET")

// ErrReadOnly means the store was opened read-only and a write was asked
// for.
var ErrReadOnly = errors.New("the database was opened read-only")

// DuplicateError reports that the same person (same duplicate key) was
// already captured at the same event. Its message names only the existing
// lead's ID, never the key, which holds an email or phone number.
type DuplicateError struct {
	// Existing is the ID of the lead already stored for this person.
	Existing uuid.UUID
	// Key is the duplicate key both leads share (see lead.Contact.DuplicateKey).
	Key string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("this person was already captured at this event as lead %s: edit that lead instead", e.Existing)
}

// ErrRemoved means the lead was deleted or its personal data erased: it
// cannot be edited, and an import of an older copy does not bring it back.
var ErrRemoved = errors.New("the lead was deleted or erased on request: it is not imported or edited again")
