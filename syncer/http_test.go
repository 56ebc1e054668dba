package syncer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoReturnsEveryStatusAndClassifiesNoReply(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		switch r.URL.Path {
		case "/refused":
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"slow down"}`))
		case "/cut":
			// A 2xx whose body never arrives in full confirms nothing.
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"id":`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	req, err := NewRequest(ctx, "X", http.MethodPost, srv.URL+"/refused", []byte(`{}`))
	require.NoError(t, err)
	r, err := Do(srv.Client(), "X", req)
	require.NoError(t, err, "a failure status is a reply, not an error")
	assert.Equal(t, http.StatusTooManyRequests, r.Status)
	assert.Equal(t, "7", r.Header.Get("Retry-After"))
	assert.JSONEq(t, `{"message":"slow down"}`, string(r.Body))

	req, err = NewRequest(ctx, "X", http.MethodGet, srv.URL+"/cut", nil)
	require.NoError(t, err)
	_, err = Do(srv.Client(), "X", req)
	assert.True(t, IsTransient(err), "%v", err)
	assert.ErrorIs(t, err, ErrOffline)

	_, err = NewRequest(ctx, "X", "BAD METHOD", srv.URL, nil)
	assert.True(t, IsPermanent(err), "%v", err)
}
