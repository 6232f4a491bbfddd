package sim

// The provider feed's breaks. An orphan rollback is one more record placed
// in the day's index; a missing page is a hole in it: index positions the
// feed skips when it serves, which its control totals still count. Holes
// are whole blocks of the day's index, so what is lost does not depend on
// the limit or the slices a client pulls with.

// hasOrphan says whether the record of round i (its settlement when settle)
// of day num gets an orphan rollback after it.
func (c ProviderConfig) hasOrphan(num int64, i int, settle bool) bool {
	return unit(mix(uint64(c.Seed), saltOrphan, uint64(num), uint64(i), b2u(settle))) < c.breaks.orphanRollback
}

// droppedPages are the blocks of a day's n index positions the feed drops.
func droppedPages(cfg ProviderConfig, num int64, n int) []span {
	if cfg.breaks.missingPage <= 0 {
		return nil
	}
	var holes []span
	for b := 0; b*MissingPageRecords < n; b++ {
		if unit(mix(uint64(cfg.Seed), saltPage, uint64(num), uint64(b))) < cfg.breaks.missingPage {
			holes = append(holes, span{b * MissingPageRecords, min(n, (b+1)*MissingPageRecords)})
		}
	}
	return holes
}

// served is how many records of span s the day serves: its positions less
// the dropped ones.
func (d *compactDay) served(s span) int {
	n := s.len()
	for _, h := range d.holes {
		n -= max(0, min(h.hi, s.hi)-max(h.lo, s.lo))
	}
	return n
}

// walk calls fn with the index position of every record at positions
// [a, b) of the served list of (oop, rest), in order.
func (d *compactDay) walk(oop, rest span, a, b int, fn func(int)) {
	at := 0 // served position of the segment's start
	for _, seg := range [2]span{oop, rest} {
		n := d.served(seg)
		if a < at+n && b > at {
			d.walkSpan(seg, max(a-at, 0), min(b, at+n)-at, fn)
		}
		at += n
	}
}

// walkSpan calls fn with the index positions of the served records
// [a, b) of seg (counted within seg).
func (d *compactDay) walkSpan(seg span, a, b int, fn func(int)) {
	i, h := seg.lo, 0
	for p := 0; p < b && i < seg.hi; {
		for h < len(d.holes) && d.holes[h].hi <= i {
			h++
		}
		if h < len(d.holes) && d.holes[h].lo <= i {
			i = d.holes[h].hi
			continue
		}
		// A run of served positions up to the next hole or the span's end.
		end := seg.hi
		if h < len(d.holes) {
			end = min(end, d.holes[h].lo)
		}
		if skip := min(a-p, end-i); skip > 0 {
			i, p = i+skip, p+skip
			continue
		}
		for ; i < end && p < b; i, p = i+1, p+1 {
			fn(i)
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
