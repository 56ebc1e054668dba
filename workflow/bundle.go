package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"leadcap/lead"
	"leadcap/storage"
)

// BundleVersion is the version of the bundle format (FormatBundle).
const BundleVersion = 1

// BundleHeader is the first line of a bundle: every event of the exporting
// store, so that events without leads travel too. The lead lines that
// follow are Records, as in FormatJSONL.
type BundleHeader struct {
	Bundle int          `json:"leadcap_bundle"`
	Events []lead.Event `json:"events"`
	// Tombstones are the leads the device deleted or erased (no personal
	// data): an import removes them here too (storage.ApplyTombstone).
	Tombstones []lead.Tombstone `json:"tombstones,omitempty"`
}

// bundleKey starts every bundle header line.
var bundleKey = []byte(`{"leadcap_bundle":`)

func isBundleHeader(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(line), bundleKey)
}

func newBundleEncoder(w io.Writer, events map[uuid.UUID]lead.Event, tombs []lead.Tombstone) (encoder, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	evs := slices.SortedFunc(maps.Values(events), func(a, b lead.Event) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	for i := range tombs {
		tombs[i].RemoteID, tombs[i].Delivered = "", time.Time{} // this device's CRM state
	}
	if err := enc.Encode(BundleHeader{Bundle: BundleVersion, Events: evs, Tombstones: tombs}); err != nil {
		return nil, err
	}
	return &jsonlEncoder{enc: enc, events: events}, nil
}

// header creates the events of a bundle's header that the store lacks.
func (im *importer) header(n int, data []byte) error {
	var h BundleHeader
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil || h.Bundle != BundleVersion {
		im.bad = append(im.bad, &LineError{Line: n, Err: fmt.Errorf("%w: a bundle header of another version or damaged (%v): export the bundle again with this leadcap", ErrBadRecord, err)})
		return nil
	}
	for _, ev := range h.Events {
		err := im.s.CreateEvent(&ev)
		switch {
		case err == nil:
			im.res.Events++
		case errors.Is(err, storage.ErrExists):
		case errors.Is(err, storage.ErrReadOnly):
			return err
		default:
			var fe *lead.FieldError
			if !errors.As(err, &fe) {
				return err
			}
			im.bad = append(im.bad, &LineError{Line: n, Err: fmt.Errorf("event %s: %w", ev.ID, err)})
			continue
		}
		im.known[ev.ID] = true
	}
	return im.applyTombstones(h.Tombstones)
}

// applyTombstones removes here what the exporting device removed, and
// compacts the file once after erasures.
func (im *importer) applyTombstones(tombs []lead.Tombstone) error {
	erased := false
	for _, t := range tombs {
		removed, err := im.s.ApplyTombstone(t)
		if err != nil {
			return err
		}
		if removed {
			im.res.Removed++
			erased = erased || t.Op == lead.OpErase
		}
	}
	if erased {
		return im.s.Compact()
	}
	return nil
}

// ImportMerge is Import for the exports (JSON Lines or bundles) of several
// devices at one fair: a lead of a person already stored under another ID
// at the same event is merged into the stored lead (storage.MergeLeads:
// both devices' notes, the better qualification, the earlier capture
// time, the other ID kept as an alias so the CRM record made from it is
// updated) and counted in Merged. Importing the same files again leaves
// everything unchanged.
func ImportMerge(ctx context.Context, s *storage.Store, r io.Reader) (ImportResult, error) {
	return importWith(ctx, &importer{s: s, put: s.MergeLeads}, r)
}

// Summary says in one line what an import did: "created 2, merged 1,
// updated 0, unchanged 3" (and ", failed 1" when lines were refused).
func (r ImportResult) Summary() string {
	parts := []string{fmt.Sprintf("created %d, merged %d, updated %d, unchanged %d", r.Created, r.Merged, r.Updated, r.Unchanged)}
	if r.Removed > 0 {
		parts = append(parts, fmt.Sprintf("removed %d", r.Removed))
	}
	if r.Failed > 0 {
		parts = append(parts, fmt.Sprintf("failed %d", r.Failed))
	}
	return strings.Join(parts, ", ")
}

// bundleEncoder starts a bundle of the store: its events and tombstones.
func bundleEncoder(s *storage.Store, w io.Writer, events map[uuid.UUID]lead.Event) (encoder, error) {
	tombs, err := s.Tombstones()
	if err != nil {
		return nil, err
	}
	return newBundleEncoder(w, events, tombs)
}
