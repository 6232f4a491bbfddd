package sim

import (
	"cmp"
	"net/http"
	"slices"
	"time"
)

// Control totals: what a source says it booked in [from, to), per UTC day
// of booking, currency and type. They count what a lossless pull would
// stage: every record the feed serves that an adapter can read (the
// provider's --invalid-every records with no id or an unknown type are
// left out; the other corrupt ones are counted as served), and the records
// a missing page loses, which is how a pull that lost them finds out.

type totalKey struct{ day, currency, typ string }

type tally map[totalKey]*DayTotal

func (t tally) add(at time.Time, currency, typ string, amount int64) {
	k := totalKey{at.UTC().Format(time.DateOnly), currency, typ}
	d, ok := t[k]
	if !ok {
		d = &DayTotal{Day: k.day, Currency: currency, Type: typ}
		t[k] = d
	}
	d.Count++
	d.Amount += amount
}

// sorted lists the totals by day, currency and type.
func (t tally) sorted() []DayTotal {
	out := make([]DayTotal, 0, len(t))
	for _, d := range t {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b DayTotal) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.Type, b.Type))
	})
	return out
}

// summary is the aggregator's control totals for [from, to).
func (f *feed) summary(from, to time.Time) []DayTotal {
	t := tally{}
	for _, num := range dayKeys(from, to) {
		d := f.day(num)
		oop, rest := d.spans(daySeconds(num, from, to))
		for _, s := range [2]span{oop, rest} {
			for i := s.lo; i < s.hi; i++ {
				tx, kind := d.record(f.cfg, d.index[i])
				if kind == InvalidMissingID || kind == InvalidType {
					continue
				}
				t.add(tx.Timestamp, tx.Currency, tx.Type, tx.Amount)
			}
		}
	}
	return t.sorted()
}

// summaryHandler answers GET <path>/summary?from=&to= with {"days": [...]}.
func summaryHandler(token string, totals func(from, to time.Time) []DayTotal) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r, token) {
			writeError(w, http.StatusUnauthorized, "missing or invalid bearer token")
			return
		}
		q := r.URL.Query()
		from, err := parseTime(q.Get("from"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "from: "+err.Error())
			return
		}
		to, err := parseTime(q.Get("to"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "to: "+err.Error())
			return
		}
		if !from.Before(to) {
			writeError(w, http.StatusBadRequest, "from must be before to")
			return
		}
		days := totals(from, to)
		if days == nil {
			days = []DayTotal{}
		}
		writeJSON(w, http.StatusOK, map[string][]DayTotal{"days": days})
	}
}
