package sim

import (
	"encoding/json"
	"io"
	"slices"
	"time"

	"github.com/settleflow/settleflow/internal/record"
)

// Injected is one break the world injected: the records it sits in and
// where a correct settlement is expected to detect it (docs/sources.md
// explains each break's expectation).
type Injected struct {
	Break string `json:"break"`
	// Source is the kind of source the defect sits in.
	Source string `json:"source"`
	// IDs are the defective records' ids in Source (for a missing record,
	// the id it would have had).
	IDs []string `json:"ids"`
	// CounterpartIDs are the records the defect shows against.
	CounterpartIDs []string `json:"counterpart_ids,omitempty"`
	// Day is the UTC day the defect is booked on.
	Day      string `json:"day"`
	Currency string `json:"currency"`
	Type     string `json:"type"`
	Amount   int64  `json:"amount"`
	// Difference is the defective value less the right one (amount,
	// fee), where one differs.
	Difference int64 `json:"difference,omitempty"`
	// Count is how many records a missing_page group lost.
	Count               int       `json:"count,omitempty"`
	CounterpartCurrency string    `json:"counterpart_currency,omitempty"`
	OccurredAt          time.Time `json:"occurred_at"`
	BookedAt            time.Time `json:"booked_at"`
	Expect              string    `json:"expect"`
}

// What each break is expected to be detected as: the pair (left ⇄ right,
// as docs/sources.md declares them) or the check, and the discrepancy
// kind or quarantine reason.
var expectations = map[string]string{
	MissingInWallet:      "provider ⇄ wallet: MISSING_RIGHT on the provider record (counterpart_ids)",
	MissingInProvider:    "provider ⇄ wallet: MISSING_LEFT on the wallet entry (counterpart_ids)",
	AmountMismatch:       "provider ⇄ wallet: AMOUNT_MISMATCH, wallet minus provider = difference",
	CurrencyMismatch:     "provider ⇄ wallet: CURRENCY_MISMATCH",
	Duplicate:            "provider ⇄ wallet: DUPLICATE on the second wallet entry (ids); the first matches",
	ConflictingDuplicate: "staging: quarantine CONFLICTING_DUPLICATE (the later version, amount + difference) and a CONFLICTING_DUPLICATE discrepancy; the version delivered first matches",
	LateArrival:          "wallet ⇄ psp: in the period holding occurred_at, MISSING_LEFT on the psp line (counterpart_ids); in the period holding booked_at, the wallet entry happened before the period: MISSING_RIGHT, or TIME_MISMATCH once the two meet",
	OrphanRollback:       "validation: quarantine ORPHAN_ROLLBACK (stage rules); no wallet entry mirrors it",
	FakeFTD:              "traffic ⇄ wallet (FTD): MISSING_RIGHT on the claim",
	PSPFeeMismatch:       "psp lines ⇄ psp payout (N:1): AMOUNT_MISMATCH on the batch of counterpart_ids; the lines net of their fees fall short of the payout by difference",
	MissingPage:          "control totals: MISSING_RECORDS for the provider source, day, currency and type (count, amount); provider ⇄ wallet: MISSING_LEFT on each counterpart",
}

// AnswerKey lists every break the world injects whose defective record is
// booked in [from, to) (a late_arrival also when it happened then), in a
// stable order.
func AnswerKey(cfg WorldConfig, from, to time.Time) ([]Injected, error) {
	w, err := newWorld(cfg)
	if err != nil {
		return nil, err
	}
	from, to = from.UTC(), to.UTC()
	var out []Injected
	for _, num := range dayKeys(from, to) {
		out = append(out, w.gameBreaks(num, from, to)...)
	}
	out = append(out, w.cashBreaks(from, to)...)
	for i := range out {
		out[i].Expect = expectations[out[i].Break]
	}
	return out, nil
}

// WriteAnswerKey writes the answer key of [from, to) as indented JSON.
func WriteAnswerKey(wr io.Writer, cfg WorldConfig, from, to time.Time) error {
	key, err := AnswerKey(cfg, from, to)
	if err != nil {
		return err
	}
	if key == nil {
		key = []Injected{}
	}
	enc := json.NewEncoder(wr)
	enc.SetIndent("", "  ")
	return enc.Encode(key)
}

// gameBreaks are the breaks of day num's game records within [from, to).
func (w *world) gameBreaks(num int64, from, to time.Time) []Injected {
	d := w.pfeed.day(num)
	lo, hi := daySeconds(num, from, to)
	var out []Injected
	lost := w.lostRecords(num)
	for i, r := range d.rounds {
		for _, settle := range []bool{false, true} {
			if settle && r.outcome() == outcomeLoss {
				continue
			}
			e := newEntry(i, settle, 0)
			// A mirror's break is where the wallet books it.
			if sec := w.mirrorSec(num, i, settle, d.sec(e)); sec < lo || sec >= hi || lost[e] {
				continue
			}
			if brk := w.mirrorBreak(num, i, settle); brk != "" {
				out = append(out, w.mirrorInjected(d, e, brk))
			}
		}
	}
	out = append(out, w.orphans(d, lo, hi)...)
	return append(out, w.missingPages(d, lo, hi)...)
}

// mirrorInjected describes the break of a game record's mirror.
func (w *world) mirrorInjected(d *compactDay, e entry, brk string) Injected {
	tx, _ := d.record(w.provider, e)
	sec := int32(w.mirrorSec(d.num, e.round(), e.settle(), d.sec(e)))
	var m WalletEntry
	if brk != MissingInWallet && brk != MissingInProvider {
		m = w.mirror(d, mirrorRef(e.round(), e.settle(), variantOf[brk]), sec)
	} else {
		m = w.mirror(d, mirrorRef(e.round(), e.settle(), mirrorPlain), sec)
	}
	in := Injected{Break: brk, Source: record.KindWallet, IDs: []string{m.EntryID}, CounterpartIDs: []string{tx.TransactionID},
		Day: day(m.CreatedAt), Currency: m.Currency, Type: m.Type, Amount: m.Amount, OccurredAt: m.CreatedAt, BookedAt: m.CreatedAt}
	switch brk {
	case MissingInProvider:
		in.Source, in.Type, in.Amount = record.KindProvider, tx.Type, tx.Amount
		in.IDs, in.CounterpartIDs = []string{tx.TransactionID + "-g"}, []string{m.EntryID + "-g"}
	case AmountMismatch:
		in.Difference = m.Amount - tx.Amount
	case CurrencyMismatch:
		in.CounterpartCurrency = tx.Currency
	case Duplicate:
		in.CounterpartIDs = append(in.CounterpartIDs, m.EntryID[:len(m.EntryID)-2])
	case ConflictingDuplicate:
		in.Difference = 1
	}
	return in
}

// variantOf is the mirror variant that carries a break's defect.
var variantOf = map[string]int{AmountMismatch: mirrorAmount, CurrencyMismatch: mirrorCurrency, Duplicate: mirrorDuplicate,
	ConflictingDuplicate: mirrorPlain}

// orphans are the orphan rollbacks the day serves in seconds [lo, hi).
func (w *world) orphans(d *compactDay, lo, hi int) []Injected {
	var out []Injected
	oop, rest := d.spans(lo, hi)
	for _, s := range [2]span{oop, rest} {
		d.walkSpan(s, 0, d.served(s), func(i int) {
			if e := d.index[i]; e.kind() == kindOrphan {
				tx, _ := d.record(w.provider, e)
				out = append(out, Injected{Break: OrphanRollback, Source: record.KindProvider, IDs: []string{tx.TransactionID},
					Day: day(tx.Timestamp), Currency: tx.Currency, Type: tx.Type, Amount: tx.Amount,
					OccurredAt: tx.Timestamp, BookedAt: tx.Timestamp})
			}
		})
	}
	return out
}

// missingPages groups what the day's missing pages lose in seconds
// [lo, hi) by day, currency and type, as control totals count it.
func (w *world) missingPages(d *compactDay, lo, hi int) []Injected {
	groups := map[totalKey]*Injected{}
	var order []totalKey
	oop, rest := d.spans(lo, hi)
	for _, h := range d.holes {
		for _, s := range [2]span{oop, rest} {
			for i := max(h.lo, s.lo); i < min(h.hi, s.hi); i++ {
				tx, kind := d.record(w.provider, d.index[i])
				if kind == InvalidMissingID || kind == InvalidType {
					continue
				}
				k := totalKey{day(tx.Timestamp), tx.Currency, tx.Type}
				g, ok := groups[k]
				if !ok {
					g = &Injected{Break: MissingPage, Source: record.KindProvider, Day: k.day, Currency: k.currency, Type: k.typ,
						OccurredAt: tx.Timestamp, BookedAt: tx.Timestamp}
					groups[k], order = g, append(order, k)
				}
				g.IDs, g.Count, g.Amount = append(g.IDs, tx.TransactionID), g.Count+1, g.Amount+tx.Amount
				if d.index[i].kind() == 0 {
					g.CounterpartIDs = append(g.CounterpartIDs, "w"+tx.TransactionID[1:])
				}
			}
		}
	}
	out := make([]Injected, len(order))
	for i, k := range order {
		out[i] = *groups[k]
	}
	return out
}

// cashBreaks are the breaks of the business days around [from, to).
func (w *world) cashBreaks(from, to time.Time) []Injected {
	keys := w.windowKeys(from, to)
	var out []Injected
	for num := keys[0] - 2; num <= keys[len(keys)-1]; num++ {
		win := w.window(num)
		in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
		for _, e := range win.events {
			if e.late {
				entry, line := w.cashEntry(win, e), w.pspLine(win, e)
				if in(entry.CreatedAt) || in(*entry.BookedAt) {
					out = append(out, Injected{Break: LateArrival, Source: record.KindWallet, IDs: []string{entry.EntryID},
						CounterpartIDs: []string{line.LineID}, Day: day(*entry.BookedAt), Currency: entry.Currency, Type: entry.Type,
						Amount: entry.Amount, OccurredAt: entry.CreatedAt, BookedAt: *entry.BookedAt})
				}
			}
			if e.feeOff != 0 {
				if line := w.pspLine(win, e); in(line.BookedAt) {
					payout := payoutID(win, line.Currency)
					out = append(out, Injected{Break: PSPFeeMismatch, Source: record.KindPSP, IDs: []string{line.LineID},
						CounterpartIDs: []string{payout}, Day: day(line.BookedAt), Currency: line.Currency, Type: line.Type,
						Amount: line.Fee, Difference: e.feeOff, OccurredAt: line.BookedAt, BookedAt: line.BookedAt})
				}
			}
		}
		out = append(out, w.fakeClaims(win, in)...)
	}
	return out
}

func (w *world) fakeClaims(win *window, in func(time.Time) bool) []Injected {
	var out []Injected
	for _, r := range win.regs {
		if !r.fake {
			continue
		}
		at := time.Unix(win.start+int64(r.ftdSec), 0).UTC()
		if !in(at) {
			continue
		}
		cur := w.click(win.num, int(r.click)).currency
		out = append(out, Injected{Break: FakeFTD, Source: record.KindTraffic, IDs: []string{claimID(win, r.click) + "-x"},
			Day: day(at), Currency: cur, Type: TrafficFTDClaim, Amount: r.amount, OccurredAt: at, BookedAt: at})
	}
	return out
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// BreakKinds lists the names of the breaks in key, in BreakNames order.
func BreakKinds(key []Injected) []string {
	var out []string
	for _, n := range BreakNames {
		if slices.ContainsFunc(key, func(in Injected) bool { return in.Break == n }) {
			out = append(out, n)
		}
	}
	return out
}
