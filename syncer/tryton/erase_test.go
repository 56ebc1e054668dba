package tryton

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"leadcap/lead"
)

func removal(e lead.OutboxEntry, op lead.Op) lead.OutboxEntry {
	return lead.OutboxEntry{Op: op, Event: e.Event, Lead: lead.Lead{ID: e.Lead.ID, EventID: e.Lead.EventID,
		Version: e.Lead.Version + 1, Aliases: e.Lead.Aliases}}
}

func TestEraseRemovesPartyAndOpportunity(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	e := newEntry(t, prospect)
	other := newEntry(t, nil)
	pushOK(t, c, e, other)
	code := e.Lead.ID.String()
	if len(partyIDs(t, db, code)) != 1 || len(opportunities(t, db, code)) != 1 {
		t.Fatal("the lead did not arrive in Tryton")
	}

	for range 2 { // a replay finds nothing left and succeeds
		res := c.Push(context.Background(), []lead.OutboxEntry{removal(e, lead.OpErase)})
		if len(res) != 1 || res[0].Err != nil || res[0].LeadID != e.Lead.ID || res[0].Version != e.Lead.Version+1 {
			t.Fatalf("erase: %+v", res)
		}
	}
	if n := count(t, db, "party.party", []any{"code", "=", code}); n != 0 {
		t.Errorf("%d parties of the erased lead left", n)
	}
	if o := opportunities(t, db, code); len(o) != 0 {
		t.Errorf("%d opportunities of the erased lead left", len(o))
	}
	if n := count(t, db, "party.contact_mechanism", []any{"value", "=", e.Lead.Contact.Emails[0]}); n != 0 {
		t.Errorf("the erased email is still in Tryton (%d)", n)
	}
	if len(partyIDs(t, db, other.Lead.ID.String())) != 1 {
		t.Error("the other lead's party went too")
	}
}

// A lead merged from two devices is delivered to the record already made
// from its alias, and a deletion removes that record too.
func TestAliasUpdatesTheRecordOfTheMergedLead(t *testing.T) {
	env := liveTryton(t)
	c, db := newConnector(t, env, nil), admin(t, env)
	first := newEntry(t, nil)
	pushOK(t, c, first)
	merged := newEntry(t, func(l *lead.Lead) {
		l.Contact.Emails = []string{first.Lead.Contact.Emails[0]}
		l.Aliases = []uuid.UUID{first.Lead.ID}
		prospect(l)
	})
	pushOK(t, c, merged)
	if n := len(partyIDs(t, db, merged.Lead.ID.String())); n != 0 {
		t.Errorf("a second party (%d) was made for the merged lead", n)
	}
	if o := opportunities(t, db, merged.Lead.ID.String()); len(o) != 0 {
		t.Errorf("a second opportunity was made for the merged lead")
	}
	o := onlyOpportunity(t, db, first.Lead.ID.String())
	if o.State != "opportunity" {
		t.Errorf("the alias's opportunity is %q, want it promoted by the merged lead", o.State)
	}

	res := c.Push(context.Background(), []lead.OutboxEntry{removal(merged, lead.OpDelete)})
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if len(partyIDs(t, db, first.Lead.ID.String())) != 0 || len(opportunities(t, db, first.Lead.ID.String())) != 0 {
		t.Error("the records made under the alias survived the deletion")
	}
}
