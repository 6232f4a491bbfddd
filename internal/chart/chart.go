// Package chart draws small line and bar charts as inline SVG, server
// side, so the console needs no JavaScript charting library. Colours and
// sizes are SVG presentation attributes, not style attributes, which keeps
// the charts within a Content-Security-Policy that forbids inline styles.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Series is one named line or bar colour; a NaN value is a gap.
type Series struct {
	Name   string
	Values []float64
}

// Geometry of every chart, in SVG user units.
const (
	width, height           = 640.0, 240.0
	left, right, top, below = 72.0, 12.0, 28.0, 56.0
	plotW, plotH            = width - left - right, height - top - below
	ticks                   = 4
	maxLabels               = 10
)

// palette is colour-blind-safe (Okabe-Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"}

func colour(i int) string { return palette[i%len(palette)] }

// canvas collects the SVG's elements.
type canvas struct {
	b      strings.Builder
	format func(float64) string
	// lo and hi are the values at the bottom and top of the y axis; the
	// axis always includes zero, so negative values (a day the players
	// won) show below it.
	lo, hi float64
}

func newCanvas(title string, series []Series, format func(float64) string) *canvas {
	lo, hi := bounds(series)
	c := &canvas{format: format, lo: lo, hi: hi}
	if c.format == nil {
		c.format = func(v float64) string { return fmt.Sprintf("%g", v) }
	}
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" role="img" aria-label="%s" class="chart">`,
		width, height, esc(title))
	fmt.Fprintf(&c.b, `<title>%s</title>`, esc(title))
	c.axes()
	c.legend(series)
	return c
}

// y maps a value to its vertical position.
func (c *canvas) y(v float64) float64 { return top + plotH*(c.hi-v)/(c.hi-c.lo) }

func (c *canvas) axes() {
	for i := 0; i <= ticks; i++ {
		v := c.lo + (c.hi-c.lo)*float64(i)/ticks
		y := c.y(v)
		fmt.Fprintf(&c.b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#ddd" stroke-width="1"/>`, left, y, width-right, y)
		fmt.Fprintf(&c.b, `<text x="%g" y="%.1f" font-size="11" text-anchor="end" fill="#444">%s</text>`, left-6, y+4, esc(c.format(v)))
	}
	zero := c.y(0)
	fmt.Fprintf(&c.b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#888" stroke-width="1"/>`, left, zero, width-right, zero)
}

func (c *canvas) legend(series []Series) {
	x := left
	for i, s := range series {
		fmt.Fprintf(&c.b, `<rect x="%.1f" y="8" width="10" height="10" fill="%s"/>`, x, colour(i))
		fmt.Fprintf(&c.b, `<text x="%.1f" y="17" font-size="11" fill="#222">%s</text>`, x+14, esc(s.Name))
		x += 24 + 7*float64(len(s.Name))
	}
}

// xLabels writes the labels under the x axis at the given centres,
// leaving some out when there are too many to read.
func (c *canvas) xLabels(labels []string, x func(int) float64) {
	every := int(math.Ceil(float64(len(labels)) / maxLabels))
	for i, l := range labels {
		if i%every != 0 && i != len(labels)-1 {
			continue
		}
		px, py := x(i), top+plotH+14
		fmt.Fprintf(&c.b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#444" transform="rotate(-30 %.1f %.1f)">%s</text>`,
			px, py, px, py, esc(l))
	}
}

func (c *canvas) html() template.HTML {
	c.b.WriteString(`</svg>`)
	// Every piece of text in the SVG went through esc; the rest is numbers
	// and constants.
	return template.HTML(c.b.String())
}

func esc(s string) string { return html.EscapeString(s) }

// bounds is the y axis's range: round numbers around every value and zero.
func bounds(series []Series) (lo, hi float64) {
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if lo == 0 && hi == 0 {
		return 0, 1
	}
	if lo < 0 {
		lo = -niceCeil(-lo)
	}
	if hi > 0 {
		hi = niceCeil(hi)
	}
	return lo, hi
}

// niceCeil rounds a positive maximum up to 1, 2, 2.5 or 5 times a power of
// ten, so the axis ticks are round numbers.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
