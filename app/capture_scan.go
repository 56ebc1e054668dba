package app

import (
	"errors"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	fynestorage "fyne.io/fyne/v2/storage"

	"leadcap/capture"
	"leadcap/lead"
)

// imageExtensions are the photos "Open photo…" offers.
var imageExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".PNG", ".JPG", ".JPEG"}

// scanned is what reading a photo or a scanner payload gave.
type scanned struct {
	parsed capture.Parsed
	err    error
	codes  int
	took   time.Duration
}

// scanURI reads the image at uri, decodes its QR codes and parses them with
// region as the phone region. The first code that holds a contact wins;
// when none does, the first code's error is returned. It runs off the UI
// goroutine.
func scanURI(uri fyne.URI, region capture.Options) scanned {
	rc, err := fynestorage.Reader(uri)
	if err != nil {
		return scanned{err: fmt.Errorf("open %s: %w", uri.Name(), err)}
	}
	defer rc.Close()
	codes, took, err := capture.DecodeReader(rc)
	if err != nil {
		return scanned{err: err, codes: len(codes), took: took}
	}
	r, _ := parseCodes(codes, region)
	r.took = took
	return r
}

// parseCodes parses the codes of one image with region as the phone
// region: the first code that holds a contact wins, else the first code
// with its error. text is the chosen code's content. codes is not empty.
func parseCodes(codes []capture.Code, region capture.Options) (r scanned, text string) {
	for i, c := range codes {
		p, err := capture.ParseWith(c.Text, region)
		var nc *capture.NotAContactError
		contact := !errors.As(err, &nc)
		if i == 0 || contact {
			r, text = scanned{parsed: p, err: err, codes: len(codes)}, c.Text
		}
		if contact {
			break
		}
	}
	return r, text
}

// notAContactText says what a code holds instead of a contact.
func notAContactText(kind string) string {
	switch kind {
	case "wifi":
		return lang.L("This code holds Wi-Fi settings, not a contact.")
	case "event":
		return lang.L("This code holds a calendar entry, not a contact.")
	case "geo":
		return lang.L("This code holds a location, not a contact.")
	case "sms":
		return lang.L("This code holds a text message, not a contact.")
	case "url-without-contact":
		return lang.L("This code holds a web address, not a contact.")
	case "malformed":
		return lang.L("This code looks like a contact card, but nothing in it can be read.")
	case "empty":
		return lang.L("This code is empty.")
	case "too-long":
		return lang.L("This code is longer than any contact card.")
	}
	return lang.L("This code holds text, not a contact.")
}

// scanMessage explains why a photo gave no lead and what to do.
func scanMessage(err error) string {
	switch {
	case errors.Is(err, capture.ErrNoCode):
		return lang.L("No QR code found in the photo. Hold the code flat, fill more of the frame with it, avoid reflections and try again.")
	case errors.Is(err, capture.ErrTooLarge):
		return lang.L("The photo is too large (over 50 megapixels or 30 MB). Take it at a lower resolution or crop it around the code.")
	case errors.Is(err, capture.ErrNotImage):
		return lang.L("This file is not a PNG, JPEG, GIF or WebP photo. Export it in one of these formats and try again.")
	case errors.Is(err, capture.ErrTruncated):
		return lang.L("The photo is cut short or damaged. Copy it again from the camera or phone.")
	case errors.Is(err, os.ErrNotExist):
		return lang.L("The photo is gone: it was moved or deleted. Open it again.")
	}
	return userMessage(err)
}

// parseOptions is how the codes scanned at ev are read: its country as the
// phone region and its badge pattern, if it declares one.
func parseOptions(ev lead.Event) capture.Options {
	return capture.Options{Region: ev.Country, Badge: ev.Badge}
}
