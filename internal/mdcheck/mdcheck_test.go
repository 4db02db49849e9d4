package mdcheck

import "testing"

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		md string
		ok bool
	}{
		{"### x\n\n| a | b |\n|---|---:|\n| `x` | 1 |\n\n<sub>note</sub>\n", true},
		{"| a | b |\n|---|---:|\n| x \\| y | 1 |\n", true},
		{"| a | b |\n|---|---:|\n| x | y | 1 |\n", false},
		{"### <script>\n", false},
		{"| `<b>` | ``a`<b>`` |\n", true},
		{"| \\`<b>\\` |\n", false},
		{"| a | b |\n|---|---:|\n| x\n| 1 |\n", false},
	} {
		if err := Check(tt.md); (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok %v", tt.md, err, tt.ok)
		}
	}
}
