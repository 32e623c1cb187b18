package report

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendJSONString: whatever the bytes, the output is one valid JSON
// string that decodes to the input (invalid UTF-8 as U+FFFD, as
// encoding/json does).
func TestAppendJSONString(t *testing.T) {
	cases := []string{"", "PCN0001", `say "hi"`, `back\slash`, "tab\tnew\nline\r", "\x00\x1f\x7f", "café", "日本",
		"bad \xff byte", "\xc3", "mixed \"\\\x01 é \xfe end", strings.Repeat("a", 100)}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 5000; i++ {
		b := make([]byte, rng.Intn(24))
		for j := range b {
			b[j] = byte(rng.Intn(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		out := appendJSONString([]byte("x"), s)
		require.Equal(t, byte('x'), out[0], "appends")
		require.True(t, json.Valid(out[1:]), "%q -> %s", s, out[1:])
		var got string
		require.NoError(t, json.Unmarshal(out[1:], &got))
		want := strings.ToValidUTF8(s, "\uFFFD")
		if !strings.Contains(s, "\uFFFD") { // ToValidUTF8 merges runs of bad bytes; we replace each
			require.Equal(t, strings.ReplaceAll(want, "\uFFFD", ""), strings.ReplaceAll(got, "\uFFFD", ""), "%q", s)
		}
	}
}

// TestPlainRun: the eight-bytes-at-a-time scan stops exactly where the
// byte table says, for every byte value at every place of a long plain run.
func TestPlainRun(t *testing.T) {
	ref := func(s string, i int) int {
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		return i
	}
	base := []byte(strings.Repeat("PLAIN text, 0-9 ~!", 3))
	for c := 0; c < 256; c++ {
		for at := 0; at < len(base); at++ {
			b := append([]byte(nil), base...)
			b[at] = byte(c)
			for from := 0; from < 10; from++ {
				require.Equal(t, ref(string(b), from), plainRun(string(b), from), "byte %#x at %d from %d", c, at, from)
			}
		}
	}
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(40))
		for j := range b {
			b[j] = byte(0x20 + rng.Intn(0x60))
			if rng.Intn(30) == 0 {
				b[j] = byte(rng.Intn(256))
			}
		}
		require.Equal(t, ref(string(b), 0), plainRun(string(b), 0), "%q", b)
	}
}
