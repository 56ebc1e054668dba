package syncer

import (
	"context"

	"leadcap/lead"
)

// IsRemoval reports whether an outbox entry asks the CRM to delete or
// erase a lead (lead.OpDelete, lead.OpErase) rather than create or update
// it.
func IsRemoval(e lead.OutboxEntry) bool { return e.Op == lead.OpDelete || e.Op == lead.OpErase }

// SplitRemovals is for a connector's Push: it hands the removals of batch
// to removals and the rest to upserts, and returns their results in the
// order of batch.
func SplitRemovals(ctx context.Context, batch []lead.OutboxEntry,
	removals, upserts func(context.Context, []lead.OutboxEntry) []Result) []Result {
	var rem, up []lead.OutboxEntry
	var remAt, upAt []int
	for i, e := range batch {
		if IsRemoval(e) {
			rem, remAt = append(rem, e), append(remAt, i)
		} else {
			up, upAt = append(up, e), append(upAt, i)
		}
	}
	res := make([]Result, len(batch))
	for _, part := range []struct {
		entries []lead.OutboxEntry
		at      []int
		push    func(context.Context, []lead.OutboxEntry) []Result
	}{{rem, remAt, removals}, {up, upAt, upserts}} {
		if len(part.entries) == 0 {
			continue
		}
		out := part.push(ctx, part.entries)
		for j, i := range part.at {
			if j < len(out) {
				res[i] = out[j]
			} else {
				res[i] = Result{LeadID: batch[i].Lead.ID, Version: batch[i].Lead.Version,
					Err: Transient(ErrNoResult, 0)}
			}
		}
	}
	return res
}
