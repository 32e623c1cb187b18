package rules

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCodeKey(t *testing.T) {
	codes := []string{"77002", "77003", "7700", "770020", "77002 ", " 7700", "A", "a", "2", "22", "XS", "XS\x00", "1234567"}
	seen := map[uint64]string{}
	for _, c := range codes {
		k := codeKey(c)
		require.NotZero(t, k, c)
		if other, dup := seen[k]; dup {
			t.Fatalf("%q and %q share key %x", c, other, k)
		}
		seen[k] = c
	}
	for _, c := range codes { // the five-byte fast path packs as the loop does
		want := uint64(len(c)) << 56
		for i := 0; i < len(c); i++ {
			want |= uint64(c[i]) << (8 * i)
		}
		assert.Equal(t, want, codeKey(c), c)
	}
	assert.Zero(t, codeKey(""))
	assert.Zero(t, codeKey("12345678"), "eight bytes do not fit beside the length")
}

// TestIndex: lookups by key find what the tables say, and an override
// loaded after a first check rebuilds the index.
func TestIndex(t *testing.T) {
	cat := Default()
	require.Nil(t, cat.addonOf("77003"), "77003 is off in the shipped catalog")
	a := cat.addonOf("77002")
	require.NotNil(t, a)
	require.NotNil(t, a.factsOf("20610"))
	assert.NotNil(t, a.factsOf("20610")[kindPrimary])
	assert.Nil(t, a.factsOf("99213"))

	assert.Nil(t, a.factsOf(""))
	assert.Nil(t, a.factsOf("206100000"))

	cat, err := LoadFrom("test.rules", strings.NewReader("addon 77003 on\nadd primary 77002 A1\n"))
	require.NoError(t, err)
	require.NotNil(t, cat.addonOf("77003"), "the override enabled 77003")
	f := cat.addonOf("77002").factsOf("A1")
	require.NotNil(t, f, "a short code is found")
	assert.NotNil(t, f[kindPrimary])
	assert.Nil(t, cat.addonOf("77002").factsOf("A"))

	_, err = LoadFrom("test.rules", strings.NewReader("addon 770020 on\n"))
	assert.ErrorContains(t, err, `"770020" is not a code`)
}

// TestFacility: the two-digit array answers as the facility table does, for
// every two-character place of service and a few others, before and after
// an override changes the table.
func TestFacility(t *testing.T) {
	cat := Default()
	agree := func() {
		t.Helper()
		x := cat.index()
		for a := 0; a < 256; a++ {
			for b := 0; b < 256; b++ {
				pos := string([]byte{byte(a), byte(b)})
				require.Equal(t, x.facilityPOS[pos] != nil, x.facility(pos), "%q", pos)
			}
		}
		for _, pos := range []string{"", "2", "022", "22 ", "A1"} {
			require.Equal(t, x.facilityPOS[pos] != nil, x.facility(pos), "%q", pos)
		}
	}
	agree()
	assert.True(t, cat.index().facility("22"))
	assert.False(t, cat.index().facility("11"))
	cat, err := LoadFrom("test.rules", strings.NewReader("add facility-pos * 11 7\nremove facility-pos * 22\n"))
	require.NoError(t, err)
	agree()
	assert.True(t, cat.index().facility("11"))
	assert.True(t, cat.index().facility("7"))
	assert.False(t, cat.index().facility("22"))
}

// TestFactTable: the open-addressing table answers as a map does, through
// growth, overwrites, neighbouring keys and keys never set.
func TestFactTable(t *testing.T) {
	var tab factTable
	want := map[uint64]*codeFacts{}
	assert.Nil(t, tab.get(codeKey("77002")), "empty table")
	for i := 0; i < 3000; i++ {
		k := codeKey(strconv.Itoa(10000 + i*7))
		f := &codeFacts{}
		tab.set(k, f)
		want[k] = f
		if i%3 == 0 { // overwrite
			f = &codeFacts{}
			tab.set(k, f)
			want[k] = f
		}
	}
	require.Equal(t, len(want), tab.n)
	assert.LessOrEqual(t, 4*tab.n, len(tab.keys), "at most a quarter full")
	for k, f := range want {
		require.Same(t, f, tab.get(k))
	}
	for i := 0; i < 30000; i++ {
		k := codeKey(strconv.Itoa(i))
		require.Equal(t, want[k], tab.get(k), "%d", i)
	}
	assert.Nil(t, tab.get(0))
}

// expand reads a code or a range of five-digit codes, zero-padded.
func TestExpand(t *testing.T) {
	cases := []struct {
		tok  string
		want []string
		err  string
	}{
		{tok: "77002", want: []string{"77002"}},
		{tok: "G0260", want: []string{"G0260"}},
		{tok: "00098-00102", want: []string{"00098", "00099", "00100", "00101", "00102"}},
		{tok: "64999-64999", want: []string{"64999"}},
		{tok: "99998-99999", want: []string{"99998", "99999"}},
		{tok: "64421-64420", err: "is not a range"},
		{tok: "0001-0003", err: "is not a range"},
		{tok: "A0001-A0003", err: "is not a range"},
		{tok: "123456", err: "is not a code"},
	}
	for _, c := range cases {
		got, err := expand(c.tok)
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, c.tok)
			continue
		}
		require.NoError(t, err, c.tok)
		assert.Equal(t, c.want, got, c.tok)
	}
}
