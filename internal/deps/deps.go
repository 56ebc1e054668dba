//go:build deps

// Package deps pins modules that packages under construction will import, so
// that `go mod tidy` keeps them. Delete an import once a real package uses it.
package deps

import (
	_ "fyne.io/fyne/v2/app"
	_ "github.com/cenkalti/backoff/v5"
	_ "github.com/emersion/go-vcard"
	_ "github.com/makiuchi-d/gozxing/qrcode"
	_ "github.com/stretchr/testify/require"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/image/webp"
	_ "golang.org/x/term"
)
