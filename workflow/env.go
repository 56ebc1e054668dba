package workflow

import "os"

// Env looks up an environment variable as os.LookupEnv does. A nil Env is
// the process's environment; the command line passes each invocation's own
// (so that in-process calls, such as its tests, do not share one).
type Env func(key string) (string, bool)

// Lookup is e(key), or os.LookupEnv(key) when e is nil.
func (e Env) Lookup(key string) (string, bool) {
	if e == nil {
		return os.LookupEnv(key)
	}
	return e(key)
}

// Get is the value of key, "" when it is not set.
func (e Env) Get(key string) string {
	v, _ := e.Lookup(key)
	return v
}
