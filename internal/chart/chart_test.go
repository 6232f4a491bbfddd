package chart

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// elements parses the SVG as XML and counts its elements by name, so a
// chart that is not well-formed fails.
func elements(t *testing.T, svg string) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	counts := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return counts
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			counts[se.Name.Local]++
		}
	}
}

func TestLineDrawsEveryPointAndSkipsGaps(t *testing.T) {
	l := Chart{Title: "records/s <per source>", Labels: []string{"a", "b", "c"},
		Series: []Series{{Name: "x&y", Values: []float64{1, math.NaN(), 3}}, {Name: "z", Values: []float64{2, 2, 2}}}}
	svg := string(l.Line())
	n := elements(t, svg)
	if n["circle"] != 5 || n["path"] != 2 {
		t.Errorf("circles %d paths %d, want 5 and 2", n["circle"], n["path"])
	}
	if strings.Contains(svg, "<per source>") || !strings.Contains(svg, "x&amp;y") {
		t.Error("text is not escaped")
	}
	if strings.Contains(svg, "style=") {
		t.Error("chart uses style attributes, which the CSP forbids")
	}
}

func TestBarsOnePerValue(t *testing.T) {
	b := Chart{Title: "latency", Labels: []string{"pull", "validate"},
		Series: []Series{{Name: "p50", Values: []float64{10, 20}}, {Name: "p95", Values: []float64{30, 40}}}}
	n := elements(t, string(b.Bars()))
	if n["rect"] != 4+2 { // bars plus legend swatches
		t.Errorf("rects = %d, want 6", n["rect"])
	}
}

func TestEmptyChartIsStillAChart(t *testing.T) {
	elements(t, string(Chart{Title: "nothing yet"}.Line()))
	elements(t, string(Chart{Title: "nothing yet"}.Bars()))
}

func TestBoundsIncludeZeroAndNegatives(t *testing.T) {
	for _, c := range []struct {
		values []float64
		lo, hi float64
	}{
		{nil, 0, 1}, {[]float64{0}, 0, 1}, {[]float64{3, 7}, 0, 10}, {[]float64{-120, 40}, -200, 50},
		{[]float64{-3, math.NaN()}, -5, 0},
	} {
		lo, hi := bounds([]Series{{Values: c.values}})
		if lo != c.lo || hi != c.hi {
			t.Errorf("bounds(%v) = %g, %g; want %g, %g", c.values, lo, hi, c.lo, c.hi)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for v, want := range map[float64]float64{0.3: 0.5, 1: 1, 1.1: 2, 2.2: 2.5, 7: 10, 4300: 5000} {
		if got := niceCeil(v); math.Abs(got-want) > 1e-9 {
			t.Errorf("niceCeil(%g) = %g, want %g", v, got, want)
		}
	}
}
