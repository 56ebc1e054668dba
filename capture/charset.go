package capture

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing/common"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// fromUTF16 decodes text that starts with a UTF-16 byte order mark (a
// contact file saved as "Unicode" by Windows programs, piped into the CLI);
// other text is returned as it is.
func fromUTF16(s string) string {
	if !strings.HasPrefix(s, "\xff\xfe") && !strings.HasPrefix(s, "\xfe\xff") {
		return s
	}
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().String(s)
	if err != nil {
		return s
	}
	return out
}

// DecodeText turns the bytes of a QR code's byte segments into text.
//
// eci names the character set announced by an ECI marker in the code, either
// as the ECI number ("26", "3", or the designator form `\000026`) or as a
// character set name ("UTF-8", "ISO-8859-1", "Shift_JIS", "windows-1252",
// and gozxing's names such as "ISO8859_1" or "SJIS"). When eci is given and
// known it is honoured. Without one (or with one this package does not know),
// bytes that are valid UTF-8 are UTF-8, and anything else is read in the
// character set in which it reads most like words (guessCharset): Shift_JIS
// when ZXing's guess says so (Japanese phones write it without saying so),
// Windows-1251, KOI8-R, ISO-8859-5 or IBM866 for Cyrillic, Windows-1250 or
// ISO-8859-2 for Central European, GBK for Chinese, by default ISO-8859-1,
// the QR standard's default. ISO-8859-1 is read as its superset Windows-1252 so
// that €, curly quotes and dashes written by Windows programs come out right;
// the two agree on every printable ISO-8859-1 character. A leading UTF-8 byte
// order mark is dropped.
//
// DecodeText never fails: bytes that the announced character set cannot
// decode fall back to the rule above.
func DecodeText(b []byte, eci string) string {
	if enc := eciEncoding(eci); enc != nil {
		if out, err := enc.NewDecoder().Bytes(b); err == nil {
			return strings.TrimPrefix(string(out), "\ufeff")
		}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if utf8.Valid(b) {
		return string(b)
	}
	_, text := guessCharset(b)
	return text
}

// eciEncoding looks up an ECI number or a character set name; nil when
// unknown or empty.
func eciEncoding(eci string) encoding.Encoding {
	eci = strings.TrimSpace(eci)
	if eci == "" {
		return nil
	}
	if n, err := strconv.Atoi(strings.TrimLeft(strings.TrimPrefix(eci, `\`), "0")); err == nil || strings.Trim(eci, `\0`) == "" {
		if c, err := common.GetCharacterSetECIByValue(n); err == nil && c != nil {
			return c.GetCharset()
		}
		return nil
	}
	if c, ok := common.GetCharacterSetECIByName(eci); ok && c != nil {
		return c.GetCharset()
	}
	if enc, err := ianaindex.IANA.Encoding(eci); err == nil && enc != nil {
		return enc
	}
	if enc, err := htmlindex.Get(eci); err == nil && enc != nil {
		return enc
	}
	return nil
}

// decodeCharset decodes bytes that a vCard or MECARD says are in charset (a
// vCard CHARSET parameter, or the one the card declares elsewhere). Unknown
// or empty charsets use DecodeText's rule, and so do bytes that claim UTF-8
// but are not (older Outlook add-ins write Windows bytes). Text that is
// valid UTF-8 with characters beyond ASCII is kept as UTF-8 when the
// declared charset has one byte per character: such a label is wrong far
// more often than such bytes are right.
func decodeCharset(b []byte, charset string) string {
	enc := eciEncoding(charset)
	if enc == nil || isUTF8Name(charset) {
		return DecodeText(b, "")
	}
	if utf8.Valid(b) {
		if !bytes.ContainsFunc(b, func(r rune) bool { return r >= utf8.RuneSelf || r == 0x1b }) {
			return string(b) // ASCII reads the same in every charset a vCard declares
		}
		if _, single := enc.(*charmap.Charmap); single {
			return string(b)
		}
	}
	if out, err := enc.NewDecoder().Bytes(b); err == nil {
		return string(out)
	}
	return DecodeText(b, "")
}
