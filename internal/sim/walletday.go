package sim

import "time"

// The wallet mirrors every game transaction the provider records, debit by
// debit: a bet is a bet_debit, a win a win_credit, a rollback a
// rollback_credit, for the same player, amount and currency, booked a few
// seconds later. The delay never crosses a minute boundary, so a mirror
// falls in the same period as its provider record whatever the scope's
// cut-off (cut-offs are whole minutes). Mirrors are generated per UTC day
// from the provider's own draws.

// Mirror variants, as stored in a wallet ref.
const (
	mirrorPlain     = iota
	mirrorAmount    // amount_mismatch
	mirrorCurrency  // currency_mismatch
	mirrorDuplicate // the second booking of a duplicate, under its own entry id
	mirrorConflict  // the second version of a conflicting duplicate, same entry id
	mirrorGhost     // an entry for a provider transaction that does not exist (missing_in_provider)
)

// mirrorRef is a mirror in a wallet day's chunk: round<<5 | settle<<4 | variant.
func mirrorRef(round int, settle bool, variant int) uint64 {
	return uint64(round)<<5 | b2u(settle)<<4 | uint64(variant)
}

func splitMirrorRef(ref uint64) (round int, settle bool, variant int) {
	return int(ref >> 5), ref>>4&1 == 1, int(ref & 15)
}

// walletDay is one UTC day of the wallet's game entries.
type walletDay struct {
	day *compactDay // rounds only: the wallet needs no provider order
	*chunk
}

// drawDay replays day num's rounds.
func drawDay(cfg ProviderConfig, num int64) []round {
	rng := dayRNG(cfg, num)
	rounds := make([]round, cfg.RoundsPerDay)
	for i := range rounds {
		rounds[i] = drawRound(cfg, rng)
	}
	return rounds
}

func (w *world) buildWalletDay(num int64) *walletDay {
	start := time.Unix(num*secondsPerDay, 0).UTC()
	d := &compactDay{num: num, start: start, stamp: start.Format("20060102"), rounds: drawDay(w.provider, num)}
	n := len(d.rounds) * 3 / 2
	secs, refs := make([]int32, 0, n), make([]uint64, 0, n)
	add := func(sec int, ref uint64) {
		secs, refs = append(secs, int32(sec)), append(refs, ref)
	}
	lost := w.lostRecords(num)
	for i, r := range d.rounds {
		for _, settle := range []bool{false, true} {
			if settle && r.outcome() == outcomeLoss {
				continue
			}
			sec := r.sec()
			if settle {
				sec = r.settleSec()
			}
			sec = w.mirrorSec(num, i, settle, sec)
			brk := w.mirrorBreak(num, i, settle)
			if lost[newEntry(i, settle, 0)] {
				brk = "" // a record the provider loses has no other break
			}
			switch brk {
			case MissingInWallet:
			case MissingInProvider:
				add(sec, mirrorRef(i, settle, mirrorPlain))
				add(sec, mirrorRef(i, settle, mirrorGhost))
			case AmountMismatch:
				add(sec, mirrorRef(i, settle, mirrorAmount))
			case CurrencyMismatch:
				add(sec, mirrorRef(i, settle, mirrorCurrency))
			case Duplicate:
				add(sec, mirrorRef(i, settle, mirrorPlain))
				add(sec, mirrorRef(i, settle, mirrorDuplicate))
			case ConflictingDuplicate:
				add(sec, mirrorRef(i, settle, mirrorPlain))
				add(sec, mirrorRef(i, settle, mirrorConflict))
			default:
				add(sec, mirrorRef(i, settle, mirrorPlain))
			}
		}
	}
	return &walletDay{day: d, chunk: sortChunk(secs, refs)}
}

// mirrorBreak is the break the mirror of round i's bet (or settlement) of
// day num gets, or "".
func (w *world) mirrorBreak(num int64, i int, settle bool) string {
	return w.rates.mirrorBreak(unit(mix(uint64(w.provider.Seed), saltMirror, uint64(num), uint64(i), b2u(settle))))
}

// lostRecords are the game records of day num the provider's missing
// pages lose, as entries.
func (w *world) lostRecords(num int64) map[entry]bool {
	if w.rates.missingPage <= 0 {
		return nil
	}
	d := w.pfeed.day(num)
	lost := map[entry]bool{}
	for _, h := range d.holes {
		for _, e := range d.index[h.lo:h.hi] {
			if e.kind() == 0 {
				lost[e] = true
			}
		}
	}
	return lost
}

// mirrorSec is when the wallet books a game record of second sec: zero to
// three seconds later, within the same minute.
func (w *world) mirrorSec(num int64, i int, settle bool, sec int) int {
	d := int(mix(uint64(w.provider.Seed), saltDelay, uint64(num), uint64(i), b2u(settle)) % 4)
	return sec + min(d, 59-sec%60)
}

// gameTypes maps a provider type to the wallet's.
var gameTypes = map[string]string{TypeBet: WalletBetDebit, TypeWin: WalletWinCredit, TypeRollback: WalletRollbackCredit}

// mirror materialises a wallet game entry.
func (w *world) mirror(d *compactDay, ref uint64, sec int32) WalletEntry {
	round, settle, variant := splitMirrorRef(ref)
	tx, _ := d.record(w.provider, newEntry(round, settle, 0))
	e := WalletEntry{
		EntryID: "w" + tx.TransactionID[1:], PlayerID: tx.PlayerID, Type: gameTypes[tx.Type],
		Amount: tx.Amount, Currency: tx.Currency, CreatedAt: d.start.Add(time.Duration(sec) * time.Second),
		ProviderTransactionID: tx.TransactionID, RoundID: tx.RoundID, GameCode: tx.GameCode, RollsBack: tx.RefTransactionID,
	}
	switch variant {
	case mirrorAmount:
		e.Amount += max(1, e.Amount/200)
	case mirrorCurrency:
		e.Currency = w.otherCurrency(e.Currency)
	case mirrorDuplicate:
		e.EntryID += "-d"
	case mirrorConflict:
		e.Amount++
	case mirrorGhost:
		e.EntryID += "-g"
		e.ProviderTransactionID += "-g"
	}
	return e
}

// otherCurrency is a known currency other than cur: the next of the
// world's, or USD or EUR when it has only one.
func (w *world) otherCurrency(cur string) string {
	cs := w.provider.Currencies
	if len(cs) > 1 {
		return cs[(w.currencyIndex(cur)+1)%len(cs)]
	}
	if cur == "USD" {
		return "EUR"
	}
	return "USD"
}
