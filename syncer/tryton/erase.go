package tryton

import (
	"context"
	"errors"
	"fmt"

	"leadcap/lead"
	"leadcap/syncer"
)

// Removals (lead.OpDelete, lead.OpErase): the lead's opportunities
// (reference = its UUID or one of its aliases) are deleted, then the
// parties leadcap created for it (code = the same UUIDs). Tryton refuses to
// delete an opportunity or party that other records need (a sale, an
// invoice): such a party is anonymised instead — its name replaced by
// "Erased <id>", its contact mechanisms and addresses deleted — and such an
// opportunity loses its description and comment. A party that existed in
// Tryton before leadcap (matched by email) is left to the CRM's own
// erasure process. Every step is safe to repeat: a replay finds nothing left.

// erasedName is what an anonymised party is called.
func erasedName(e lead.OutboxEntry) string { return "Erased " + e.Lead.ID.String()[:8] }

// pushRemovals removes each entry's records, one lead at a time (removals
// are rare and each touches a handful of records).
func (c *Connector) pushRemovals(ctx context.Context, entries []lead.OutboxEntry) []syncer.Result {
	res := make([]syncer.Result, len(entries))
	for i, e := range entries {
		res[i] = syncer.Result{LeadID: e.Lead.ID, Version: e.Lead.Version}
		_, err := syncer.Retry(ctx, c.cfg.Retry, func() (struct{}, error) {
			return struct{}{}, retryable(c.remove(ctx, e))
		})
		if err != nil {
			res[i].Err = classify(err)
		}
	}
	return res
}

func codesOf(l lead.Lead) []string {
	codes := []string{l.ID.String()}
	for _, a := range l.Aliases {
		codes = append(codes, a.String())
	}
	return codes
}

func (c *Connector) remove(ctx context.Context, e lead.OutboxEntry) error {
	codes := codesOf(e.Lead)
	var opps []int64
	if err := c.rpc.call(ctx, &opps, nil, "model.sale.opportunity.search",
		[]any{[]any{"reference", "in", codes}}, 0, nil, nil); err != nil {
		return err
	}
	if len(opps) > 0 {
		if err := c.deleteOr(ctx, "model.sale.opportunity", opps,
			map[string]any{"description": "", "comment": ""}); err != nil {
			return err
		}
	}
	var parties []int64
	if err := c.rpc.call(ctx, &parties, map[string]any{"active_test": false}, "model.party.party.search",
		[]any{[]any{"code", "in", codes}}, 0, nil, nil); err != nil {
		return err
	}
	if len(parties) == 0 {
		return nil
	}
	err := c.rpc.call(ctx, nil, nil, "model.party.party.delete", parties)
	var re *rpcError
	if err == nil || !errors.As(err, &re) || !re.validation() {
		return err
	}
	return c.anonymise(ctx, e, parties)
}

// deleteOr deletes the records of model, or, when Tryton refuses, writes
// blank onto them.
func (c *Connector) deleteOr(ctx context.Context, model string, ids []int64, blank map[string]any) error {
	err := c.rpc.call(ctx, nil, nil, model+".delete", ids)
	var re *rpcError
	if err == nil || !errors.As(err, &re) || !re.validation() {
		return err
	}
	return c.rpc.call(ctx, nil, nil, model+".write", ids, blank)
}

// anonymise strips parties that Tryton would not delete of everything
// personal.
func (c *Connector) anonymise(ctx context.Context, e lead.OutboxEntry, parties []int64) error {
	for _, m := range []string{"model.party.contact_mechanism", "model.party.address"} {
		var ids []int64
		if err := c.rpc.call(ctx, &ids, map[string]any{"active_test": false}, m+".search",
			[]any{[]any{"party", "in", parties}}, 0, nil, nil); err != nil {
			return err
		}
		if len(ids) == 0 {
			continue
		}
		if err := c.deleteOr(ctx, m, ids, map[string]any{"active": false}); err != nil {
			return fmt.Errorf("anonymise party: %w", err)
		}
	}
	return c.rpc.call(ctx, nil, nil, "model.party.party.write", parties, map[string]any{"name": erasedName(e)})
}

// firstKnown returns the item's own code when found holds it, else the
// first of its aliases that found holds, else its own code.
func firstKnown[V any](it *item, found map[string]V) string {
	for _, k := range codesOf(it.e.Lead) {
		if _, ok := found[k]; ok {
			return k
		}
	}
	return it.code
}
