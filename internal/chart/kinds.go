package chart

import (
	"fmt"
	"html/template"
	"math"
)

// Chart is what a chart shows: one x position (or group of bars) per
// label, one line (or bar of each group) per series.
type Chart struct {
	Title  string
	Labels []string
	Series []Series
	// Format writes a y value (axis ticks and tooltips).
	Format func(float64) string
}

// Line draws the chart as lines.
func (ch Chart) Line() template.HTML {
	c := newCanvas(ch.Title, ch.Series, ch.Format)
	x := func(i int) float64 {
		if len(ch.Labels) < 2 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(ch.Labels)-1)
	}
	for si, s := range ch.Series {
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
			if math.IsNaN(v) || i >= len(ch.Labels) {
				continue
			}
			fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %s</title></circle>`,
				x(i), c.y(v), colour(si), esc(s.Name), esc(ch.Labels[i]), esc(c.format(v)))
		}
	}
	c.xLabels(ch.Labels, x)
	return c.html()
}

// Bars draws the chart as grouped bars, from zero up or down.
func (ch Chart) Bars() template.HTML {
	c := newCanvas(ch.Title, ch.Series, ch.Format)
	groupW := plotW / float64(max(len(ch.Labels), 1))
	barW := groupW * 0.8 / float64(max(len(ch.Series), 1))
	centre := func(i int) float64 { return left + groupW*(float64(i)+0.5) }
	for si, s := range ch.Series {
		for i, v := range s.Values {
			if math.IsNaN(v) || i >= len(ch.Labels) {
				continue
			}
			x := left + groupW*float64(i) + groupW*0.1 + barW*float64(si)
			y0, y1 := c.y(max(v, 0)), c.y(min(v, 0))
			fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
				x, y0, barW, y1-y0, colour(si), esc(ch.Labels[i]), esc(s.Name), esc(c.format(v)))
		}
	}
	c.xLabels(ch.Labels, centre)
	return c.html()
}
