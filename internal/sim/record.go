package sim

import (
	"strconv"
	"time"
)

// Records are materialised only for the page being served; everything up to
// here is numbers. These helpers format ids exactly as the original
// fmt.Sprintf calls did ("%06d" rounds, "%05d" players) with one allocation
// per string.

// record builds the wire record of one entry, and its invalid kind ("" for
// a valid record).
func (d *compactDay) record(cfg ProviderConfig, e entry) (Transaction, string) {
	r := d.rounds[e.round()]
	player := int(r.player)
	tx := Transaction{
		RoundID:  d.id('r', e.round(), 0),
		PlayerID: padded("p-", player, 5),
		GameCode: r.game(),
		Currency: playerCurrency(cfg, player),
	}
	at := d.start.Add(time.Duration(r.sec()) * time.Second)
	switch {
	case !e.settle():
		tx.TransactionID, tx.Type, tx.Amount, tx.Timestamp = d.id('t', e.round(), 'b'), TypeBet, r.bet(), at
	case r.outcome() == outcomeRollback:
		tx.TransactionID, tx.Type, tx.Amount = d.id('t', e.round(), 'r'), TypeRollback, r.bet()
		tx.RefTransactionID = d.id('t', e.round(), 'b')
	default:
		tx.TransactionID, tx.Type, tx.Amount = d.id('t', e.round(), 'w'), TypeWin, r.bet()*r.pct()/100
	}
	if e.settle() {
		tx.Timestamp = at.Add(time.Duration(r.settle()) * time.Second)
	}
	switch e.kind() {
	case 0:
		return tx, ""
	case kindOrphan:
		return orphanOf(tx, d.id('t', e.round(), 'z')), ""
	}
	kind := invalidKinds[e.kind()-1]
	return corrupt(tx, kind), kind
}

// id formats "<prefix>-YYYYMMDD-%06d" and, when suffix is not 0, "-<suffix>".
func (d *compactDay) id(prefix byte, round int, suffix byte) string {
	var buf [40]byte
	b := append(buf[:0], prefix, '-')
	b = append(b, d.stamp...)
	b = append(b, '-')
	b = appendPadded(b, round, 6)
	if suffix != 0 {
		b = append(b, '-', suffix)
	}
	return string(b)
}

func padded(prefix string, n, width int) string {
	var buf [32]byte
	return string(appendPadded(append(buf[:0], prefix...), n, width))
}

// appendPadded appends n (non-negative) zero-padded to width, as %0*d does.
func appendPadded(b []byte, n, width int) []byte {
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], int64(n), 10)
	for range width - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendServed appends the records at positions [a, b) of the served list
// (oop, rest) of the day.
func (d *compactDay) appendServed(dst []Transaction, cfg ProviderConfig, oop, rest span, a, b int) []Transaction {
	d.walk(oop, rest, a, b, func(i int) {
		tx, _ := d.record(cfg, d.index[i])
		dst = append(dst, tx)
	})
	return dst
}
