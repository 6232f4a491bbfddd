package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Breaks are the defects a world injects, by name, each at a rate in
// [0, 1]: the share of the units the break applies to that get it.
type Breaks map[string]float64

// Break names, and the unit each rate applies to.
const (
	// Per provider game record: its wallet mirror is not booked.
	MissingInWallet = "missing_in_wallet"
	// Per provider game record: the wallet books a debit or credit for a
	// provider transaction that the provider never sent.
	MissingInProvider = "missing_in_provider"
	// Per provider game record: the mirror's amount differs.
	AmountMismatch = "amount_mismatch"
	// Per provider game record: the mirror's currency differs.
	CurrencyMismatch = "currency_mismatch"
	// Per provider game record: the wallet books the mirror twice, under
	// two entry ids.
	Duplicate = "duplicate"
	// Per provider game record: the wallet sends the mirror's entry id a
	// second time with another amount.
	ConflictingDuplicate = "conflicting_duplicate"
	// Per wallet deposit or withdrawal of an existing player: booked
	// WorldConfig.LateBy after it happened, past the period's cut-off.
	LateArrival = "late_arrival"
	// Per provider game record: the provider also sends a rollback of a bet
	// that does not exist.
	OrphanRollback = "orphan_rollback"
	// Per first deposit an affiliate claims: it also claims one for a
	// player the operator does not know.
	FakeFTD = "fake_ftd"
	// Per payout batch: one line's fee is not what the payout deducted.
	PSPFeeMismatch = "psp_fee_mismatch"
	// Per block of MissingPageRecords provider records of a day: the feed
	// never serves them, though its control totals count them.
	MissingPage = "missing_page"
)

// BreakNames lists every break in a stable order.
var BreakNames = []string{
	MissingInWallet, MissingInProvider, AmountMismatch, CurrencyMismatch, Duplicate, ConflictingDuplicate,
	LateArrival, OrphanRollback, FakeFTD, PSPFeeMismatch, MissingPage,
}

// MissingPageRecords is the size of the blocks missing_page drops: a page
// as a partner serves it, fixed so the lost records do not depend on the
// limit a client asks for.
const MissingPageRecords = 100

// mirrorBreaks are the breaks of one wallet mirror, in the order their
// rates are stacked on one draw, so a record gets at most one of them.
var mirrorBreaks = []string{MissingInWallet, MissingInProvider, AmountMismatch, CurrencyMismatch, Duplicate, ConflictingDuplicate}

// ParseBreaks reads "name=rate,name=rate"; "all=rate" sets every break.
func ParseBreaks(s string) (Breaks, error) {
	b := Breaks{}
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("break %q: want name=rate, e.g. %s=0.01", item, MissingInWallet)
		}
		rate, err := strconv.ParseFloat(value, 64)
		if err != nil || rate < 0 || rate > 1 {
			return nil, fmt.Errorf("break %s: rate %q is not a number between 0 and 1", name, value)
		}
		if name == "all" {
			for _, n := range BreakNames {
				b[n] = rate
			}
			continue
		}
		b[name] = rate
	}
	_, err := b.rates()
	return b, err
}

// String writes the breaks as ParseBreaks reads them.
func (b Breaks) String() string {
	var parts []string
	for _, n := range BreakNames {
		if r, ok := b[n]; ok {
			parts = append(parts, n+"="+strconv.FormatFloat(r, 'g', -1, 64))
		}
	}
	return strings.Join(parts, ",")
}

// breakRates are the rates by break, checked.
type breakRates struct {
	missingInWallet, missingInProvider, amountMismatch, currencyMismatch, duplicate, conflicting float64
	lateArrival, orphanRollback, fakeFTD, pspFeeMismatch, missingPage                            float64
}

func (b Breaks) rates() (breakRates, error) {
	for name, r := range b {
		if !slices.Contains(BreakNames, name) {
			return breakRates{}, fmt.Errorf("unknown break %q (breaks: %s)", name, strings.Join(BreakNames, ", "))
		}
		if r < 0 || r > 1 {
			return breakRates{}, fmt.Errorf("break %s: rate %g is not between 0 and 1", name, r)
		}
	}
	var sum float64
	for _, n := range mirrorBreaks {
		sum += b[n]
	}
	if sum > 1 {
		return breakRates{}, fmt.Errorf("breaks %s add up to %g: a wallet mirror takes at most one of them, so they may add up to at most 1",
			strings.Join(mirrorBreaks, ", "), sum)
	}
	return breakRates{
		missingInWallet: b[MissingInWallet], missingInProvider: b[MissingInProvider], amountMismatch: b[AmountMismatch],
		currencyMismatch: b[CurrencyMismatch], duplicate: b[Duplicate], conflicting: b[ConflictingDuplicate],
		lateArrival: b[LateArrival], orphanRollback: b[OrphanRollback], fakeFTD: b[FakeFTD],
		pspFeeMismatch: b[PSPFeeMismatch], missingPage: b[MissingPage],
	}, nil
}

// mirrorBreak is the break a mirror with draw u in [0, 1) gets, or "".
func (r breakRates) mirrorBreak(u float64) string {
	for i, rate := range []float64{r.missingInWallet, r.missingInProvider, r.amountMismatch, r.currencyMismatch, r.duplicate, r.conflicting} {
		if u < rate {
			return mirrorBreaks[i]
		}
		u -= rate
	}
	return ""
}

// Draws. Every break, delay and click attribute is a pure function of the
// seed and of where it sits, so any day can be generated alone and the
// answer key agrees with what is served. Salts keep the streams apart.
const (
	saltMirror uint64 = iota + 1
	saltDelay
	saltOrphan
	saltPage
	saltWindow
	saltClick
	saltLate
	saltFake
	saltFee
	saltRate
)

// mix hashes the words into one draw.
func mix(words ...uint64) uint64 {
	h := uint64(0x243F6A8885A308D3)
	for _, w := range words {
		h = splitmix64(h ^ w)
	}
	return h
}

// unit maps a draw to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }
