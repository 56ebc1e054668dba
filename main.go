// Command leadcap-app is leadcap's desktop and phone app: it opens the lead
// database and shows the booth UI. The headless command line is cmd/leadcap.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	fyneapp "fyne.io/fyne/v2/app"

	"leadcap/app"
	"leadcap/assets"
	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/workflow"
)

// appID must match the ID in FyneApp.toml.
const appID = "app.leadcap.booth"

func main() {
	db := flag.String("db", "", "the lead database (default: $LEADCAP_DB, else leadcap/leadcap.db in the user data directory)")
	staff := flag.String("staff", os.Getenv("LEADCAP_STAFF"), "who is working the booth; the author of notes")
	tab := flag.String("tab", "", "the screen to start on: "+strings.Join(app.Tabs, ", "))
	flag.Parse()

	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon)
	app.ApplyPreferences(a) // language and theme chosen in Settings, before the translations load
	if err := assets.LoadTranslations(); err != nil {
		fmt.Fprintln(os.Stderr, "leadcap:", err) // the UI falls back to English
	}

	path := *db
	if path == "" {
		var err error
		if path, err = storage.DefaultPath(); err != nil {
			fmt.Fprintln(os.Stderr, "leadcap: no place for the lead database:", err, "- pass --db PATH or set LEADCAP_DB")
			os.Exit(1)
		}
	}
	var open *storage.Store
	var ui *app.UI
	start := func(st *storage.Store) {
		open = st
		u := app.New(a, st, app.Options{Staff: *staff})
		ui = u
		if *tab != "" && !u.ShowTab(*tab) {
			fmt.Fprintf(os.Stderr, "leadcap: no screen %q: use one of %s\n", *tab, strings.Join(app.Tabs, ", "))
		}
		u.Window().Show()
	}
	// A database whose key is in the keyring opens silently; one with a
	// passphrase asks for it (unless LEADCAP_PASSPHRASE holds it).
	st, err := storage.Open(path, &storage.Options{Key: workflow.StoreKey(credentials.System{})})
	switch {
	case errors.Is(err, storage.ErrEncrypted):
		app.NewUnlockWindow(a, path, start).Show()
	case err != nil:
		fmt.Fprintf(os.Stderr, "leadcap: %s (%s)\n", app.ErrorMessage(err), path)
		app.NewOpenFailedWindow(a, path, err).ShowAndRun()
		os.Exit(1)
	default:
		start(st)
	}
	a.Run()
	if ui != nil {
		ui.Shutdown() // SIGTERM ends the app without closing its window
	}
	if open != nil {
		_ = open.Close()
	}
}
