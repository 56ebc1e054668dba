package syncer_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/syncer/hubspot"
	"leadcap/syncer/salesforce"
	"leadcap/syncer/syncertest"
	"leadcap/syncer/tryton"
	"leadcap/syncer/webhook"
)

// stuck answers a CRM's cheap probes (GET requests, the webhook's ping)
// and then, for a push, either never answers or trickles its reply a byte
// at a time, as a CRM behind a broken proxy does. Tryton's probe is a
// login (a POST): it gets stuck already there.
func stuck(trickle bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodGet || strings.Contains(string(body), `"type":"ping"`) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{}`)
			return
		}
		if !trickle {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, " "); err != nil {
				return
			}
			_ = rc.Flush()
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// connectors builds each connector on hc, with no timeout of its own: the
// sync's deadline alone must end its requests.
var connectors = map[string]func(hc *http.Client) (syncer.Connector, error){
	"webhook": func(hc *http.Client) (syncer.Connector, error) {
		return webhook.New(webhook.Config{URL: "http://127.0.0.1/leadcap", Secret: "s3cret", HTTPClient: hc})
	},
	"hubspot": func(hc *http.Client) (syncer.Connector, error) {
		return hubspot.New(hubspot.Config{BaseURL: "http://127.0.0.1", Token: "pat", HTTPClient: hc})
	},
	"salesforce": func(hc *http.Client) (syncer.Connector, error) {
		return salesforce.New(salesforce.Config{InstanceURL: "http://127.0.0.1", Token: "tok", HTTPClient: hc})
	},
	"tryton": func(hc *http.Client) (syncer.Connector, error) {
		return tryton.New(tryton.Config{URL: "http://127.0.0.1/", Database: "db", User: "admin", Password: "pw", HTTPClient: hc})
	},
}

func stuckEntries(out *syncertest.Outbox, n int, now time.Time) {
	for i := range n {
		l := lead.New(uuid.Nil, lead.MethodManual, now)
		l.Version = 1
		l.Contact = lead.Contact{GivenName: "Erika", FamilyName: fmt.Sprint("Muster", i), Organization: "Muster GmbH",
			Emails: []string{fmt.Sprintf("erika%d@muster.example", i)}}
		out.Add(lead.OutboxEntry{Lead: *l, NextAttempt: now})
	}
}

// TestSyncAllDeadlineHoldsAgainstAStuckCRM: a sync with a timeout of 3 s
// returns at 3 s with every lead still pending, whether the CRM never
// answers or trickles its reply, for every connector. The clock is the
// synctest bubble's, the network in-memory pipes: the test takes no real
// time and cannot pass by luck.
func TestSyncAllDeadlineHoldsAgainstAStuckCRM(t *testing.T) {
	for name, build := range connectors {
		for _, trickle := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s trickle=%v", name, trickle), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					srv := syncertest.NewPipeServer(stuck(trickle))
					defer func() {
						srv.Close()
						time.Sleep(time.Second) // a trickling handler notices the closed connection
					}()
					c, err := build(srv.Client)
					require.NoError(t, err)
					out := syncertest.NewOutbox()
					stuckEntries(out, 3, time.Now())
					r := syncer.NewRelay(out, c, syncer.Options{})

					const timeout = 3 * time.Second
					start := time.Now()
					sum, err := r.SyncAll(context.Background(), timeout)
					elapsed := time.Since(start)
					assert.LessOrEqual(t, elapsed, timeout, "the sync outlived its deadline")
					assert.GreaterOrEqual(t, elapsed, timeout-time.Second, "the sync gave up long before its deadline")
					assert.NotErrorIs(t, err, context.DeadlineExceeded, "the deadline is no failure")
					assert.Equal(t, 3, sum.Pending)
					assert.Zero(t, sum.Done)
				})
			})
		}
	}
}
