// Package capture turns what a camera or a handheld scanner reads into a
// validated lead.Contact. It has two halves, both pure functions with no UI
// and no storage, and it builds with CGO_ENABLED=0.
//
// # From image to payload
//
// The decoding half (DecodeFile, DecodeReader, DecodeBytes, DecodeImage)
// returns every QR code in a photo (PNG, JPEG with its EXIF orientation,
// GIF, WebP) using github.com/makiuchi-d/gozxing, helped by image work
// around it (grey conversion, scales, other binarizers, regions of
// interest, local contrast, sharpening, perspective warps), cheap reads
// first so that clean photos stay fast. Files that are not images, truncated files and
// images that are too large are refused with errors that say what to do.
// The text of a code's byte segments is turned into a string by
// [DecodeText]: an ECI marker is honoured; without one, valid UTF-8 is UTF-8
// and anything else is ISO-8859-1, so umlauts, accents and ø come out right.
//
// # From payload to contact
//
// [Parse] reads a payload with the event's country as the default region for
// phone numbers: vCard 2.1, 3.0 and 4.0 as phones, mail clients and web
// generators really write them; MECARD; BIZCARD; mailto: and MATMSG; tel:; a
// person's profile URL; and event badges (Cvent's MECARD with CONF:, the
// delimited RefID^First^Last^Email^Title^Company^City^State^Zip^Phone record,
// an email alone, an opaque badge ID). Emails and phones (E.164) are
// normalized through lead.Contact.Normalize; a field that cannot be
// normalized comes back as a wrapped *lead.FieldError together with the
// contact as read, so the UI can show it for correction.
//
// Parse never invents a contact. A code that holds something else (Wi-Fi
// settings, a calendar entry, a web page that is not a person, free text)
// gives a *NotAContactError, which matches [ErrNotAContact] and keeps the raw
// text so the UI can offer to save it as a note.
//
// An opaque badge ID gives a valid Parsed with Format "badge", the ID in
// BadgeID, Method badge-scan and an empty Contact: the person cannot be
// reached from it. The store or the UI must then ask staff for an email or
// a phone, or keep the lead until the organiser's attendee list is imported
// and matched on the badge ID.
//
// # From a handheld scanner
//
// Handheld 2D scanners act as keyboards. An [Assembler] is fed their
// keystrokes and returns complete payloads: a vCard at END:VCARD whatever
// became of its line breaks (a vCard cut short after a longer wait), a
// MECARD at its closing ";;", any other code at Enter or after a short pause.
// The UI only feeds it keys and calls Flush from a timer. Parse the payloads
// it returns; a caller may record lead.MethodScanner as the capture method.
package capture
