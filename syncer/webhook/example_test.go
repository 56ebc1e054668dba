package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"leadcap/syncer/webhook"
)

// A receiver written in Go: read the raw body (bounded), verify the
// signature and its timestamp before parsing, then use the document. The
// second request replays a body signed ten minutes ago and is refused.
func Example_receiver() {
	const secret = "whsec-shared-with-leadcap"
	receive := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, `{"error":"body too large"}`, http.StatusRequestEntityTooLarge)
			return
		}
		err = webhook.VerifyAt(secret, body, r.Header.Get(webhook.HeaderSignature), time.Now(), webhook.DefaultTolerance)
		if err != nil {
			http.Error(w, `{"error":"bad signature"}`, http.StatusUnauthorized)
			return
		}
		var doc webhook.Document
		if err := json.Unmarshal(body, &doc); err != nil {
			http.Error(w, `{"error":"not a leadcap document"}`, http.StatusBadRequest)
			return
		}
		// Store doc.Lead under doc.LeadID, keeping the highest doc.Version.
		fmt.Fprintf(w, `{"id":"crm-%s"}`, doc.Type)
	}
	srv := httptest.NewServer(http.HandlerFunc(receive))
	defer srv.Close()

	c, _ := webhook.New(webhook.Config{URL: srv.URL, Secret: secret})
	fmt.Println("leadcap's signed ping:", c.Probe(context.Background()))

	body := []byte(`{"type":"ping","schema":1}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, time.Now().Add(-10*time.Minute), body))
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		fmt.Println("a captured request replayed 10 minutes later:", resp.StatusCode)
	}
	// Output:
	// leadcap's signed ping: <nil>
	// a captured request replayed 10 minutes later: 401
}
