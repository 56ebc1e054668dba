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
// [Parse] (or [ParseWith], which also knows the event's badge pattern) reads
// a payload with the event's country as the default region for phone
// numbers: vCard 2.1, 3.0 and 4.0 as phones, mail clients and web generators
// really write them (group prefixes, any CHARSET, lost or odd line breaks,
// comment lines, several cards, UTF-16 files); MECARD and QRCoder's MECARD+;
// KDDI/au's address book code; BIZCARD; mailto: (to, cc and bcc), smtp: and
// MATMSG; tel: and a lone number with + or 00; callto:, facetime: and sip:
// (the number or address they call); a person's profile URL (also typed
// without https://); a card written as plain lines (labelled or not, one
// line split at tabs, ';', '|' or ',' (also a CSV row with quoted fields),
// or "Name <address>"); and event badges
// (Cvent's MECARD with CONF:, the delimited
// RefID^First^Last^Email^Title^Company^City^State^Zip^Phone record, an email
// alone, tokens such as AT$…$AT, an opaque badge ID that is not a product
// code: EAN/UPC with or without add-on, ISBN also hyphenated, GS1 element
// strings, VIN, GUID, nor a number of a product code's length, a decimal
// number or a host name; pgeu-system's token URLs; an attendee record as
// a JSON object). The files follow the work: parse.go dispatches on the payload's
// form; vcard_lines.go turns a vCard into logical lines (vcard_breaks.go puts
// back line breaks a scanner dropped), vcard_prop.go tokenizes and decodes
// one property, vcard_card.go fills a github.com/emersion/go-vcard Card with
// them and vcard_contact.go takes the contact from it; mecard.go, kddi.go,
// parse_uri.go, plaintext.go, parse_json.go and badge.go (with
// productcode.go) read the other forms; emails.go splits a value that lists several addresses;
// charset.go decodes legacy character sets with golang.org/x/text, and
// charset_guess.go tells which one text that names none is in (the one it
// reads best in: Windows-1252, Windows-1251, KOI8-R, ISO-8859-5, IBM866,
// Windows-1250, ISO-8859-2, Shift_JIS or GBK).
//
// One bad value never throws the card away. Emails and phones are
// normalized by lead.Contact.NormalizeRead: an email that is not an address
// or a phone that is not a number is left out and listed in
// [Parsed.NotTaken], for the review form and CLI warnings, while the raw
// payload keeps it. Phones valid for their country come out in E.164; others
// are kept as written rather than given an invented country (lead.ReadPhone).
// Only when nothing valid is left does Parse return a wrapped
// *lead.FieldError, together with the contact as read. Control characters
// and terminal escape sequences are removed at the domain boundary
// (lead.StripControl).
//
// Parse never invents a contact. A code that holds something else (Wi-Fi
// settings, a calendar entry, a web page that is not a person, free text, a
// product code) gives a *NotAContactError, which matches [ErrNotAContact] and
// keeps the raw text so the UI can offer to save it as a note.
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
