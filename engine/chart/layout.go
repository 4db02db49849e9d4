package chart

import (
	"image/color"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/settle-sim/settle/engine/report"
)

// Sizes of what is drawn under the plot.
var (
	thumbW     = vg.Points(14)
	thumbH     = vg.Points(8)
	entryGap   = vg.Points(14) // between legend entries
	bandPad    = vg.Points(6)  // above the legend and caption
	lineHeight = vg.Points(13)
)

func legendStyle() text.Style {
	return text.Style{Font: sans(10), Color: color.Black, Handler: plot.DefaultTextHandler}
}

func captionStyle() text.Style {
	return text.Style{Font: sans(8), Color: color.Gray{Y: 0x66}, Handler: plot.DefaultTextHandler}
}

// legendRows lays the legend out left to right, wrapping to a new row
// where an entry would pass the chart's width.
func (c *Chart) legendRows() [][]legendEntry {
	sty := legendStyle()
	var rows [][]legendEntry
	var x vg.Length
	for _, e := range c.legend {
		w := thumbW + vg.Points(4) + sty.Width(e.text)
		if len(rows) == 0 || x > 0 && x+entryGap+w > Width-2*bandPad {
			rows = append(rows, nil)
			x = 0
		} else if x > 0 {
			x += entryGap
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], e)
		x += w
	}
	return rows
}

// captionLines breaks the caption into lines that fit the chart's width.
func (c *Chart) captionLines() []string {
	if c.Caption == "" {
		return nil
	}
	sty := captionStyle()
	var lines []string
	line := ""
	for _, word := range strings.Split(c.Caption, " ") {
		try := strings.TrimSpace(line + " " + word)
		if line != "" && sty.Width(try) > Width-2*bandPad {
			lines = append(lines, line)
			line = word
			continue
		}
		line = try
	}
	return append(lines, line)
}

// band is the height under the plot that the legend and caption take.
func (c *Chart) band() vg.Length {
	rows, lines := len(c.legendRows()), len(c.captionLines())
	if rows+lines == 0 {
		return 0
	}
	return bandPad + vg.Length(rows)*lineHeight + vg.Length(lines)*lineHeight*0.8 + bandPad/2
}

// height is the chart's whole height: the plot's and the band under it.
func (c *Chart) height() vg.Length { return Height + c.band() }

// Draw draws the chart on dc: the plot above, its legend and caption in
// the band below it, outside the plotting area.
func (c *Chart) Draw(dc draw.Canvas) {
	band := c.band()
	c.Plot.Draw(draw.Crop(dc, 0, 0, band, 0))
	if band == 0 {
		return
	}
	y := dc.Min.Y + band - bandPad - lineHeight
	sty := legendStyle()
	for _, row := range c.legendRows() {
		x := dc.Min.X + bandPad
		for _, e := range row {
			icon := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y + (lineHeight-thumbH)/2}, Max: vg.Point{X: x + thumbW, Y: y + (lineHeight+thumbH)/2}}}
			e.thumb.Thumbnail(&icon)
			x += thumbW + vg.Points(4)
			dc.FillText(sty, vg.Point{X: x, Y: y + vg.Points(2)}, e.text)
			x += sty.Width(e.text) + entryGap
		}
		y -= lineHeight
	}
	cs := captionStyle()
	for _, l := range c.captionLines() {
		dc.FillText(cs, vg.Point{X: dc.Min.X + bandPad, Y: y + vg.Points(4)}, l)
		y -= lineHeight * 0.8
	}
}

// LegendArea and DataArea are where, on a chart of the size Write
// draws, the legend band and the plot's data are: the first is below
// the second, never on it.
func (c *Chart) LegendArea() vg.Rectangle {
	return vg.Rectangle{Max: vg.Point{X: Width, Y: c.band()}}
}

// DataArea: see LegendArea.
func (c *Chart) DataArea() vg.Rectangle {
	dc := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: Width, Y: c.height()}}}
	return c.Plot.DataCanvas(draw.Crop(dc, 0, 0, c.band(), 0)).Rectangle
}

// maxTitle is the most characters a chart's title has on a line.
const maxTitle = 64

// Title is the title of a chart of v: its doc text (without a leading
// ASSUMPTION. or SOURCE: marker, to its first sentence, and cut at a
// colon or semicolon when that leaves enough to say what it is), on at
// most two lines; its name when it has no doc.
func Title(v *report.Var) string {
	doc := strings.Join(strings.Fields(v.Doc), " ")
	for _, marker := range []string{"ASSUMPTION.", "ASSUMPTION:", "SOURCE.", "SOURCE:"} {
		doc = strings.TrimSpace(strings.TrimPrefix(doc, marker))
	}
	if i := strings.Index(doc, ". "); i >= 0 {
		doc = doc[:i]
	}
	doc = strings.TrimSuffix(doc, ".")
	if i := strings.IndexAny(doc, ";:"); i >= 20 {
		doc = doc[:i]
	}
	if doc == "" {
		return v.Name
	}
	return wrap(doc, maxTitle, 2)
}

// wrap breaks s into at most lines lines of at most width characters,
// ending the last with … when s is longer.
func wrap(s string, width, lines int) string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
		if len(out) == lines {
			break
		}
	}
	if len(out) < lines {
		return strings.Join(append(out, line), "\n")
	}
	last := []rune(out[lines-1])
	if len(last) > width-1 {
		last = last[:width-1]
	}
	out[lines-1] = string(last) + "…"
	return strings.Join(out[:lines], "\n")
}

// TornadoTitle is the title of the tornado of output v: what moves it,
// and on a second line what it is, from its doc text, when it has one.
func TornadoTitle(v *report.Var) string {
	t := "What moves " + v.Name
	if doc := Title(v); doc != v.Name {
		t += "\n" + wrap(strings.ReplaceAll(doc, "\n", " "), maxTitle, 1)
	}
	return t
}
