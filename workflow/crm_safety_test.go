package workflow_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
	"leadcap/syncer"
	"leadcap/workflow"
)

// settingsAt returns a complete set-up of connector at url.
func settingsAt(connector, url string) workflow.CRMSettings {
	return workflow.CRMSettings{Connector: connector, URL: url, Database: "leadcap", User: "admin"}
}

func TestNoConnectorSendsTheSecretToTheWrongPlace(t *testing.T) {
	for _, conn := range workflow.Connectors {
		for raw, want := range map[string]error{
			"http://crm.example.com/leadcap":         syncer.ErrInsecureURL,
			"http://127.evil.example:8000/":          syncer.ErrInsecureURL,
			"http://10.0.0.5:8000/":                  syncer.ErrInsecureURL,
			"https://admin:hunter2@crm.example.com/": syncer.ErrCredentialsInURL,
		} {
			_, _, err := workflow.NewConnector(settingsAt(conn, raw), "s3cr3t")
			assert.ErrorIs(t, err, want, "%s at %s", conn, raw)
			if err != nil {
				assert.NotContains(t, err.Error(), "hunter2")
			}
		}
		_, _, err := workflow.NewConnector(settingsAt(conn, "http://localhost:8000/"), "s3cr3t")
		assert.NoError(t, err, "%s: plain http to this device is fine", conn)
	}
}

// TestNoConnectorCountsARedirectedPushAsDelivered: a CRM address that
// answers every request with a redirect to another server (which would
// answer 200 to anything) delivers nothing with any connector: no request
// reaches the other server, and no lead is confirmed.
func TestNoConnectorCountsARedirectedPushAsDelivered(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"id":"x","result":1,"results":[],"compositeResponse":[]}`))
	}))
	defer other.Close()
	ev := lead.Event{ID: uuid.New(), Name: "Hannover Messe 2026", Country: "DE"}
	l := lead.New(ev.ID, lead.MethodManual, time.Now())
	l.Contact = lead.Contact{GivenName: "Erika", FamilyName: "Mustermann", Organization: "Beispiel GmbH", Emails: []string{"erika@example.com"}}
	batch := []lead.OutboxEntry{{Lead: *l, Event: ev}}

	for _, conn := range workflow.Connectors {
		for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			t.Run(conn+" "+strconv.Itoa(code), func(t *testing.T) {
				src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.Path, code)
				}))
				defer src.Close()
				c, _, err := workflow.NewConnector(settingsAt(conn, src.URL), "tok-s3cr3t")
				require.NoError(t, err)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				res := c.Push(ctx, batch)
				require.Len(t, res, 1)
				assert.Error(t, res[0].Err, "a redirect is never a delivery")
				assert.ErrorIs(t, res[0].Err, syncer.ErrRedirect)
				assert.True(t, syncer.IsTransient(res[0].Err), "the lead stays pending: %v", res[0].Err)
				assert.ErrorIs(t, c.Probe(ctx), syncer.ErrRedirect, "crm test says so too")
				assert.Zero(t, elsewhere.Load(), "nothing reached the other server")
			})
		}
	}
}
