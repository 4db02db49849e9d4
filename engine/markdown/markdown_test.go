package markdown

import "testing"

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Termination compensation, reference case", "Termination compensation, reference case"},
		{"a | b", `a \| b`},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{`<img src=x onerror="alert(1)">`, `&lt;img src=x onerror="alert(1)"&gt;`},
		{"&lt; stays", "&amp;lt; stays"},
		{"two\nlines\r\nand\ttab", "two lines  and tab"},
		{"`code` *bold* _it_ ~~x~~ [l](u) # $x$ \\", "\\`code\\` \\*bold\\* \\_it\\_ \\~\\~x\\~\\~ \\[l\\](u) \\# \\$x\\$ \\\\"},
		{"£700m · 1.1bn", "£700m · 1.1bn"},
		{"nul\x00bell\x07", "nul bell "},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCode(t *testing.T) {
	for _, tt := range []struct{ in, code, cell string }{
		{"supplier_net", "`supplier_net`", "`supplier_net`"},
		{"a|b", "`a|b`", "`a\\|b`"},
		{"a`b", "``a`b``", "``a`b``"},
		{"`x``", "``` `x`` ```", "``` `x`` ```"},
		{"line\nbreak", "`line break`", "`line break`"},
		{"<b>", "`<b>`", "`<b>`"},
		{"", "`\"\"`", "`\"\"`"},
		{" padded ", "`  padded  `", "`  padded  `"},
	} {
		if got := Code(tt.in); got != tt.code {
			t.Errorf("Code(%q) = %q, want %q", tt.in, got, tt.code)
		}
		if got := CodeCell(tt.in); got != tt.cell {
			t.Errorf("CodeCell(%q) = %q, want %q", tt.in, got, tt.cell)
		}
	}
}
