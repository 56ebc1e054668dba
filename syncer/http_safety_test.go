package syncer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoopbackJudgesTheParsedAddress(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "localhost.": true,
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "::ffff:127.0.0.1": true,
		"127.evil.example": false, "127.0.0.1.nip.io": false, "localhost.evil.example": false,
		"10.0.0.1": false, "::": false, "0.0.0.0": false, "crm.example.com": false, "": false,
	} {
		assert.Equal(t, want, Loopback(host), "%q", host)
	}
}

func TestCheckURLRefusesSecretsToTheWrongPlace(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want error
	}{
		{"https://crm.example.com/leadcap", nil},
		{"http://localhost:8000/", nil},
		{"http://127.0.0.1:8000/", nil},
		{"http://[::1]:8000/", nil},
		{"http://crm.example.com:8000/", ErrInsecureURL},
		{"http://127.evil.example/", ErrInsecureURL},
		{"HTTP://192.168.1.20/", ErrInsecureURL},
		{"https://admin:hunter2@crm.example.com/", ErrCredentialsInURL},
		{"http://admin:hunter2@127.0.0.1:8000/", ErrCredentialsInURL},
		{"https://token@crm.example.com/", ErrCredentialsInURL},
	} {
		u, err := url.Parse(tc.raw)
		require.NoError(t, err)
		err = CheckURL("X", u)
		if tc.want == nil {
			assert.NoError(t, err, tc.raw)
			continue
		}
		assert.ErrorIs(t, err, tc.want, tc.raw)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "hunter2", "the message never shows the password")
		assert.NotContains(t, err.Error(), "token@", "the message never shows the user part")
	}
}

// recorder is a server that counts what reaches it and whether a secret
// came along.
type recorder struct {
	*httptest.Server
	hits, withAuth, withBody atomic.Int32
}

func newRecorder(t *testing.T, tlsServer bool) *recorder {
	r := &recorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.hits.Add(1)
		if req.Header.Get("Authorization") != "" || req.Header.Get("X-Signature") != "" {
			r.withAuth.Add(1)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(req.Body)
		if b.Len() > 0 {
			r.withBody.Add(1)
		}
		_, _ = w.Write([]byte(`{"id":"stolen"}`))
	})
	if tlsServer {
		r.Server = httptest.NewUnstartedServer(h)
		r.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
		r.StartTLS()
	} else {
		r.Server = httptest.NewServer(h)
	}
	t.Cleanup(r.Close)
	return r
}

// redirector answers every request to its root with a redirect to target.
func redirector(t *testing.T, code int, target string, tlsServer bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/same" {
			_, _ = w.Write([]byte(`{"same":"` + req.Header.Get("Authorization") + `"}`))
			return
		}
		http.Redirect(w, req, target, code)
	})
	srv := httptest.NewServer(h)
	if tlsServer {
		srv.Close()
		srv = httptest.NewTLSServer(h)
	}
	t.Cleanup(srv.Close)
	return srv
}

func signedRequest(t *testing.T, method, u string, body []byte) *http.Request {
	req, err := NewRequest(context.Background(), "X", method, u, body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer tok-secret")
	req.Header.Set("X-Signature", "t=1,v1=abc")
	return req
}

func TestDoNeverFollowsARedirectWithASecretOrALeadElsewhere(t *testing.T) {
	plain := newRecorder(t, false)
	secure := newRecorder(t, true)
	for _, tc := range []struct {
		name   string
		method string
		code   int
		tls    bool
		to     *recorder
		path   string
	}{
		{"POST 301 to another host (would become an empty GET)", http.MethodPost, http.StatusMovedPermanently, false, plain, "/hook"},
		{"POST 302 to another host", http.MethodPost, http.StatusFound, false, plain, "/hook"},
		{"POST 303 to another host", http.MethodPost, http.StatusSeeOther, false, plain, "/hook"},
		{"POST 307 to another host (would re-send the body)", http.MethodPost, http.StatusTemporaryRedirect, false, plain, "/hook"},
		{"POST 308 to another https host", http.MethodPost, http.StatusPermanentRedirect, true, secure, "/hook"},
		{"GET 302 with a token to another host", http.MethodGet, http.StatusFound, false, plain, "/probe"},
		{"GET 302 from https to http", http.MethodGet, http.StatusFound, true, plain, "/probe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.to.hits.Load()
			src := redirector(t, tc.code, tc.to.URL+tc.path, tc.tls)
			var body []byte
			if tc.method == http.MethodPost {
				body = []byte(`{"lead":"Erika Mustermann"}`)
			}
			hc := src.Client()
			followAll := *hc
			followAll.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
			_, err := Do(&followAll, "X", signedRequest(t, tc.method, src.URL+"/", body))
			require.Error(t, err, "a redirect is never a reply")
			assert.True(t, IsTransient(err), "the leads stay pending: %v", err)
			assert.ErrorIs(t, err, ErrRedirect)
			assert.Equal(t, before, tc.to.hits.Load(), "nothing reached the other place")
			assert.NotContains(t, err.Error(), "tok-secret")
		})
	}
}

func TestDoRefusesARedirectedPostEvenToTheSameHost(t *testing.T) {
	var landed atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/moved", http.StatusFound) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { landed.Add(1) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, err := Do(srv.Client(), "X", signedRequest(t, http.MethodPost, srv.URL+"/hook", []byte(`{"lead":1}`)))
	assert.ErrorIs(t, err, ErrRedirect)
	assert.Contains(t, err.Error(), "/moved", "the message says where the CRM points")
	assert.Zero(t, landed.Load(), "the empty GET a 302 turns a POST into is never sent")
}

func TestDoFollowsAReadOnTheSameHost(t *testing.T) {
	srv := redirector(t, http.StatusFound, "/same", true)
	r, err := Do(srv.Client(), "X", signedRequest(t, http.MethodGet, srv.URL+"/", nil))
	require.NoError(t, err)
	assert.JSONEq(t, `{"same":"Bearer tok-secret"}`, string(r.Body))
}

func TestDoSaysACertificateProblemIsNotTheNetwork(t *testing.T) {
	secure := newRecorder(t, true)
	plain := newRecorder(t, false)
	for name, u := range map[string]string{
		"self-signed certificate":    secure.URL,
		"certificate for 127.0.0.1":  strings.Replace(secure.URL, "127.0.0.1", "localhost", 1),
		"plain http server on https": strings.Replace(plain.URL, "http://", "https://", 1),
	} {
		t.Run(name, func(t *testing.T) {
			hc := &http.Client{Timeout: 10 * time.Second} // trusts the system's authorities only
			if strings.Contains(u, "localhost") {
				hc = secure.Client() // trusts the test authority, whose certificate names 127.0.0.1 and example.com
			}
			_, err := Do(hc, "X", signedRequest(t, http.MethodGet, u, nil))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCertificate)
			assert.NotErrorIs(t, err, ErrOffline, "not the network")
			assert.True(t, IsTransient(err), "the leads stay pending")
			assert.Contains(t, err.Error(), "certificate")
			t.Log(err)
		})
	}
}

func TestDoReadsAtMostMaxReply(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := MaxReply
		if r.URL.Path == "/huge" {
			n = 64 << 20 // a misbehaving server keeps sending
		}
		_, _ = w.Write(bytes.Repeat([]byte(" "), n))
	}))
	defer srv.Close()
	r, err := Do(srv.Client(), "X", signedRequest(t, http.MethodGet, srv.URL+"/full", nil))
	require.NoError(t, err)
	assert.Len(t, r.Body, MaxReply)
	_, err = Do(srv.Client(), "X", signedRequest(t, http.MethodGet, srv.URL+"/huge", nil))
	assert.ErrorIs(t, err, ErrReplyTooLarge)
	assert.True(t, IsTransient(err))
}

func TestCRMTextIsPrintedWithoutControlCharacters(t *testing.T) {
	evil := "\x1b]0;pwned\x07\x1b[2J\rInvalid\u202eemail\u0085 \x9b31m\xff field\n"
	errs := []error{
		FromStatus("X", http.StatusBadRequest, http.Header{}, evil, time.Now()),
		FromStatus("X", http.StatusUnauthorized, http.Header{}, evil, time.Now()),
		FromStatus("X", http.StatusServiceUnavailable, http.Header{}, evil, time.Now()),
		Permanent(evil),
		AuthError(evil),
		errors.New(Snippet([]byte(evil))),
	}
	for _, err := range errs {
		msg := err.Error()
		assert.Contains(t, msg, "Invalid")
		assert.Contains(t, msg, "field")
		for _, r := range msg {
			assert.False(t, r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u202e' || r == '\ufffd', "%q in %q", r, msg)
		}
	}
}
