package syncertest

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// PipeServer serves an http.Handler over in-memory connections (net.Pipe)
// instead of sockets, so that a test can run client and server inside a
// testing/synctest bubble: a request waiting for a server that never
// answers is then durably blocked, and the bubble's fake clock moves on to
// the client's deadline at once.
type PipeServer struct {
	// Client sends every request to the handler, whatever the URL's host.
	Client *http.Client

	srv *http.Server
	ln  *pipeListener
	tr  *http.Transport
}

// NewPipeServer starts serving h. Call Close before the bubble ends.
func NewPipeServer(h http.Handler) *PipeServer {
	ln := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	p := &PipeServer{srv: &http.Server{Handler: h}, ln: ln}
	p.tr = &http.Transport{DialContext: ln.dial}
	p.Client = &http.Client{Transport: p.tr}
	go func() { _ = p.srv.Serve(ln) }()
	return p
}

// Close stops the server and closes every connection.
func (p *PipeServer) Close() error {
	p.tr.CloseIdleConnections()
	err := p.srv.Close()
	_ = p.ln.Close()
	return err
}

// pipeListener hands the server ends of net.Pipe pairs to http.Server.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
