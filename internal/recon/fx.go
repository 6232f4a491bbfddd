package recon

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

// Quote is one staged FX rate: Rate units of Quote per one Base on Day.
type Quote struct {
	Day         time.Time
	Base, Quote string
	Rate        *big.Rat
}

// ParseQuote reads an fx record's attributes; errors name the record and
// the field.
func ParseQuote(id, date, base, quote, rate string) (Quote, error) {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return Quote{}, fmt.Errorf("fx record %s: attrs.date %q is not a date (YYYY-MM-DD)", id, date)
	}
	for field, code := range map[string]string{"base": base, "quote": quote} {
		if !money.Known(code) {
			return Quote{}, fmt.Errorf("fx record %s: attrs.%s %q is not a known ISO 4217 code", id, field, code)
		}
	}
	r, err := money.ParseRate(rate)
	if err != nil {
		return Quote{}, fmt.Errorf("fx record %s: attrs.rate: %w", id, err)
	}
	return Quote{Day: day, Base: base, Quote: quote, Rate: r}, nil
}

// Rate turns minor units of Currency into minor units of the reporting
// currency: multiply by Factor, round half-even. A zero Day is a fixed
// rate from the scope file, used on any day no staged quote serves.
type Rate struct {
	Day      time.Time
	Currency string
	Factor   *big.Rat
}

// RateTable builds the rates that value breaks: for every day the cycle's
// fx source quotes, each currency it can reach — quoted against the
// reporting currency either way round, or through a base both share —
// then the scope's fixed rates, then the reporting currency itself.
// Currencies settleflow does not know are left out: they cannot be valued.
func (c Config) RateTable(quotes []Quote) []Rate {
	if c.ReportingCurrency == "" {
		return nil
	}
	rep, _ := money.Lookup(c.ReportingCurrency)
	var out []Rate
	for _, day := range quoteDays(quotes) {
		perRep := map[string]*big.Rat{} // units of currency per one reporting unit
		for cur, r := range dayCrosses(quotes, day, c.ReportingCurrency) {
			perRep[cur] = r
		}
		out = appendRates(out, day, rep, perRep)
	}
	out = appendRates(out, time.Time{}, rep, c.Rates)
	return append(out, Rate{Currency: rep.Code, Factor: big.NewRat(1, 1)})
}

func quoteDays(quotes []Quote) []time.Time {
	seen := map[time.Time]bool{}
	var days []time.Time
	for _, q := range quotes {
		if !seen[q.Day] {
			seen[q.Day] = true
			days = append(days, q.Day)
		}
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	return days
}

// dayCrosses returns, for one day, units of each currency per one unit of
// the reporting currency, from direct, inverse and shared-base quotes.
func dayCrosses(quotes []Quote, day time.Time, rep string) map[string]*big.Rat {
	out := map[string]*big.Rat{}
	perBase := map[string]map[string]*big.Rat{} // base → quote → rate
	for _, q := range quotes {
		if !q.Day.Equal(day) {
			continue
		}
		if perBase[q.Base] == nil {
			perBase[q.Base] = map[string]*big.Rat{}
		}
		perBase[q.Base][q.Quote] = q.Rate
	}
	for base, qs := range perBase {
		for quote, r := range qs {
			switch {
			case base == rep:
				out[quote] = r
			case quote == rep:
				setIfAbsent(out, base, new(big.Rat).Inv(r))
			}
		}
	}
	bases := make([]string, 0, len(perBase))
	for base := range perBase {
		bases = append(bases, base)
	}
	sort.Strings(bases) // of two shared bases, the first in order wins, every time
	for _, base := range bases {
		qs := perBase[base]
		repRate, ok := qs[rep]
		if !ok {
			continue
		}
		for quote, r := range qs {
			// quote per rep = (quote per base) / (rep per base)
			setIfAbsent(out, quote, new(big.Rat).Quo(r, repRate))
		}
	}
	return out
}

func setIfAbsent(m map[string]*big.Rat, k string, v *big.Rat) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func appendRates(out []Rate, day time.Time, rep money.Currency, perRep map[string]*big.Rat) []Rate {
	codes := make([]string, 0, len(perRep))
	for cur := range perRep {
		codes = append(codes, cur)
	}
	sort.Strings(codes)
	for _, code := range codes {
		cur, err := money.Lookup(code)
		if err != nil || code == rep.Code {
			continue
		}
		repPerUnit := new(big.Rat).Inv(perRep[code])
		out = append(out, Rate{Day: day, Currency: code, Factor: money.MinorFactor(cur, rep, repPerUnit)})
	}
	return out
}

// Value values amount of currency on day in the reporting currency with
// the rate of that day, else of the latest earlier quoted day, else the
// fixed rate; ok is false when none applies.
func Value(rates []Rate, currency string, day time.Time, amount int64) (v int64, ok bool, err error) {
	var best *Rate
	for i := range rates {
		r := &rates[i]
		if r.Currency != currency || r.Day.After(day) {
			continue
		}
		if best == nil || r.Day.After(best.Day) {
			best = r
		}
	}
	if best == nil {
		return 0, false, nil
	}
	v, err = money.Convert(amount, best.Factor, money.HalfEven)
	return v, err == nil, err
}
