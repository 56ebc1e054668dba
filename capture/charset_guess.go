package capture

import (
	"unicode"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing/common"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// legacyCharset is a character set that phones and mail programs write
// without naming it.
type legacyCharset struct {
	name string // as a vCard CHARSET parameter would name it
	enc  encoding.Encoding
}

// legacyCharsets are the character sets tried for text that is not UTF-8
// and names none, in order of preference when two read equally well:
// Windows-1252 (Western Europe, the QR standard's ISO-8859-1 and more),
// Windows-1251, KOI8-R, ISO-8859-5 and DOS's 866 (Cyrillic: Russian and
// Bulgarian Outlook, phones and older mail programs), Windows-1250 and ISO-8859-2 (Central Europe), Shift_JIS
// (Japanese phones) and GBK (Chinese).
var legacyCharsets = []legacyCharset{
	{"windows-1252", charmap.Windows1252},
	{"windows-1251", charmap.Windows1251},
	{"KOI8-R", charmap.KOI8R},
	{"ISO-8859-5", charmap.ISO8859_5},
	{"IBM866", charmap.CodePage866},
	{"windows-1250", charmap.Windows1250},
	{"ISO-8859-2", charmap.ISO8859_2},
	{"Shift_JIS", japanese.ShiftJIS},
	{"GBK", simplifiedchinese.GBK},
}

// guessCharset names the character set of text that is not UTF-8 and
// names none, and decodes it: Shift_JIS when ZXing's guess
// (StringUtils_guessCharset, tuned on Japanese phones' codes) says so and
// the text reads at least as well in it as in any of legacyCharsets, else
// guessLegacyCharset's choice.
func guessCharset(b []byte) (name, text string) {
	name, text, score := guessLegacyCharset(b)
	if name == "Shift_JIS" {
		return name, text
	}
	if guess, err := common.StringUtils_guessCharset(b, nil); err == nil && guess == common.StringUtils_SHIFT_JIS_CHARSET {
		if out, err := guess.NewDecoder().Bytes(b); err == nil && plausibility(string(out)) >= score {
			return "Shift_JIS", string(out)
		}
	}
	return name, text
}

// guessLegacyCharset picks the character set in which b reads most like
// words of a language (plausibility) among legacyCharsets, and returns its
// name, the decoded text and its score. A character set that cannot decode
// b is skipped; Windows-1252, which decodes any byte, is the fallback.
func guessLegacyCharset(b []byte) (name, text string, score int) {
	best := -1 << 30
	for _, c := range legacyCharsets {
		out, err := c.enc.NewDecoder().Bytes(b)
		if err != nil || !utf8.Valid(out) || containsRune(out, utf8.RuneError) {
			continue
		}
		if s := plausibility(string(out)); s > best {
			best, name, text = s, c.name, string(out)
		}
	}
	if name == "" {
		out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
		return "windows-1252", string(out), 0
	}
	return name, text, best
}

func containsRune(b []byte, r rune) bool {
	for _, c := range string(b) {
		if c == r {
			return true
		}
	}
	return false
}

// plausibility scores text decoded in a guessed character set. Text in
// the wrong one reads as letters of two scripts in one word ("Mьller"),
// Latin words made mostly of accented letters ("Èâàí" for "Иван"), words
// whose case flips inside ("йЧБО"), or symbols stuck to letters ("ХЕО°");
// every word with letters beyond ASCII that shows none of these counts one
// point, every such fault costs points. ASCII reads the same in all
// candidates and does not count.
func plausibility(s string) int {
	score := 0
	runes := []rune(s)
	for i := 0; i < len(runes); {
		if !isWordRune(runes[i]) {
			if r := runes[i]; r >= utf8.RuneSelf && !unicode.IsSpace(r) && (nonASCIILetterAt(runes, i-1) || nonASCIILetterAt(runes, i+1)) {
				score-- // a symbol stuck to a letter beyond ASCII
			}
			i++
			continue
		}
		j := i
		for j < len(runes) && isWordRune(runes[j]) {
			j++
		}
		score += wordScore(runes[i:j])
		i = j
	}
	return score
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }

func nonASCIILetterAt(runes []rune, i int) bool {
	return i >= 0 && i < len(runes) && runes[i] >= utf8.RuneSelf && unicode.IsLetter(runes[i])
}

// wordScore is 0 for an ASCII word or a lone letter, 1 for a plausible word with letters
// beyond ASCII, and below 0 for one that shows a wrong character set.
func wordScore(w []rune) int {
	letters, nonASCII, script := 0, 0, ""
	mixed, caseFlip := false, false
	var prev rune
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if r >= utf8.RuneSelf {
			nonASCII++
		}
		if sc := scriptOf(r); script == "" {
			script = sc
		} else if sc != script {
			mixed = true
		}
		if prev != 0 && unicode.IsLower(prev) && unicode.IsUpper(r) {
			caseFlip = true
		}
		prev = r
	}
	switch {
	case nonASCII == 0 || letters < 2:
		return 0 // ASCII, or one letter alone ("€" is "Ђ" in Windows-1251): no evidence
	case mixed:
		return -2
	case caseFlip:
		return -1
	case script == "halfwidth-kana":
		return 0 // what any double-byte text gives in Shift_JIS's single-byte half
	case script == "latin" && letters >= 2 && 2*nonASCII > letters:
		return -1 // Latin words are mostly ASCII letters with a few accents
	}
	return 1
}

// scriptOf groups a letter by writing system; Han, hiragana and full-width
// katakana are written together (Japanese), half-width katakana is not
// written among Han characters.
func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
		return "latin"
	case unicode.Is(unicode.Cyrillic, r):
		return "cyrillic"
	case unicode.Is(unicode.Greek, r):
		return "greek"
	case r >= 0xFF61 && r <= 0xFF9F:
		return "halfwidth-kana"
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
		return "cjk"
	case unicode.Is(unicode.Hangul, r):
		return "hangul"
	}
	return "other"
}
