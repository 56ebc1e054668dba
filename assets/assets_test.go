package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/assets/internal/icon"
)

func TestIconIs512SquarePNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon.Content()))
	require.NoError(t, err)
	assert.Equal(t, 512, img.Bounds().Dx())
	assert.Equal(t, 512, img.Bounds().Dy())
	_, _, _, a := img.At(0, 0).RGBA()
	assert.Zero(t, a, "the corners are transparent (rounded tile)")
	_, _, _, a = img.At(256, 256).RGBA()
	assert.Equal(t, uint32(0xffff), a, "the middle is opaque")
}

func TestIconMatchesGenerator(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, icon.Draw()))
	assert.True(t, bytes.Equal(buf.Bytes(), Icon.Content()),
		"assets/icon.png is stale: run `go generate ./assets/` and commit the PNG")
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// placeholders returns the template fields a message uses, for every
// plural form it has.
func placeholders(t *testing.T, v any) []string {
	t.Helper()
	var texts []string
	switch m := v.(type) {
	case string:
		texts = []string{m}
	case map[string]any:
		require.Contains(t, m, "other", "a plural message needs an 'other' form")
		for _, f := range m {
			s, ok := f.(string)
			require.True(t, ok)
			texts = append(texts, s)
		}
	default:
		t.Fatalf("unexpected message %#v", v)
	}
	set := map[string]bool{}
	for _, s := range texts {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func TestTranslationsAgree(t *testing.T) {
	load := func(language string) map[string]any {
		raw, err := Translation(language)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m), language)
		return m
	}
	en := load("en")
	require.NotEmpty(t, en)
	for _, language := range Languages[1:] {
		tr := load(language)
		assert.ElementsMatch(t, slices.Collect(maps.Keys(en)), slices.Collect(maps.Keys(tr)), "%s has other messages than en", language)
		for id, msg := range tr {
			if enMsg, ok := en[id]; ok {
				assert.Equal(t, placeholders(t, enMsg), placeholders(t, msg), "%s: %q uses other placeholders", language, id)
			}
		}
	}
	_, err := Translation("xx")
	assert.Error(t, err)
}

func TestLoadTranslations(t *testing.T) {
	assert.NoError(t, LoadTranslations())
}
