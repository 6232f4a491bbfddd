package chart

import (
	"fmt"
	"html/template"
	"math"
)

// Line is a line chart: one x position per label, one line per series.
type Line struct {
	Title  string
	Labels []string
	Series []Series
	// Format writes a y value (axis ticks and tooltips).
	Format func(float64) string
}

// SVG draws the chart.
func (l Line) SVG() template.HTML {
	c := newCanvas(l.Title, l.Series, l.Format)
	x := func(i int) float64 {
		if len(l.Labels) < 2 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(l.Labels)-1)
	}
	for si, s := range l.Series {
		path := ""
		for i, v := range s.Values {
			if math.IsNaN(v) {
				continue
			}
			cmd := "L"
			if path == "" {
				cmd = "M"
			}
			path += fmt.Sprintf("%s%.1f %.1f ", cmd, x(i), c.y(v))
		}
		if path != "" {
			fmt.Fprintf(&c.b, `<path d="%s" fill="none" stroke="%s" stroke-width="2"/>`, path, colour(si))
		}
		for i, v := range s.Values {
			if math.IsNaN(v) || i >= len(l.Labels) {
				continue
			}
			fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %s</title></circle>`,
				x(i), c.y(v), colour(si), esc(s.Name), esc(l.Labels[i]), esc(c.format(v)))
		}
	}
	c.xLabels(l.Labels, x)
	return c.html()
}

// Bars is a grouped bar chart: one group per label, one bar per series.
type Bars struct {
	Title  string
	Labels []string
	Series []Series
	Format func(float64) string
}

// SVG draws the chart.
func (b Bars) SVG() template.HTML {
	c := newCanvas(b.Title, b.Series, b.Format)
	groupW := plotW / float64(max(len(b.Labels), 1))
	barW := groupW * 0.8 / float64(max(len(b.Series), 1))
	centre := func(i int) float64 { return left + groupW*(float64(i)+0.5) }
	for si, s := range b.Series {
		for i, v := range s.Values {
			if math.IsNaN(v) || i >= len(b.Labels) {
				continue
			}
			x := left + groupW*float64(i) + groupW*0.1 + barW*float64(si)
			y0, y1 := c.y(max(v, 0)), c.y(min(v, 0))
			fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
				x, y0, barW, y1-y0, colour(si), esc(b.Labels[i]), esc(s.Name), esc(c.format(v)))
		}
	}
	c.xLabels(b.Labels, centre)
	return c.html()
}
