package sim

import "slices"

// The feed is ordered by (timestamp, transaction_id), where ids read
// t-YYYYMMDD-%06d-b|r|w. Within a day the prefix is shared, so the order is
// decided by the second and then by the text of the round number; the
// letter never matters because a round's bet and settlement are at least a
// second apart. Up to round 999,999 the text is six zero-padded digits and
// text order is numeric order; beyond it the text grows a digit and, say,
// "1000000-" sorts before "100001-". The functions here reproduce that text
// order without formatting a single id.

// textOrderFrom is the first round number whose id text is not six digits.
const textOrderFrom = 1_000_000

// sortValid orders the day's valid records by (timestamp, transaction_id):
// a counting sort by second, which keeps numeric round order within a
// second, then a text-order sort of each second when the day has rounds
// past textOrderFrom. It returns the order and where each second's group
// starts (starts[s]..starts[s+1]).
func (d *compactDay) sortValid() ([]entry, []int32) {
	next := make([]int32, secondsPerDay+1)
	for _, r := range d.rounds {
		next[r.sec()+1]++
		if r.outcome() != outcomeLoss {
			next[r.settleSec()+1]++
		}
	}
	for s := 1; s <= secondsPerDay; s++ {
		next[s] += next[s-1]
	}
	starts := slices.Clone(next)
	valid := make([]entry, next[secondsPerDay])
	for i, r := range d.rounds {
		valid[next[r.sec()]] = newEntry(i, false, 0)
		next[r.sec()]++
		if r.outcome() != outcomeLoss {
			s := r.settleSec()
			valid[next[s]] = newEntry(i, true, 0)
			next[s]++
		}
	}
	if len(d.rounds) > textOrderFrom {
		for s := range secondsPerDay {
			sortByIDText(valid[starts[s]:starts[s+1]])
		}
	}
	return valid, starts
}

// sortByIDText sorts one second's records by the text of their round number.
func sortByIDText(group []entry) {
	slices.SortFunc(group, func(a, b entry) int {
		ka, kb := roundTextKey(a.round()), roundTextKey(b.round())
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
}

// roundTextKey maps a round number to a number that orders as the round's
// "%06d-" text in ids does. Text order compares digits left to right, and a
// text that is a prefix of another sorts first (as "-" sorts before every
// digit): that is the order of the digits right-padded with zeros to a fixed
// width, ties broken by the shorter text. Ten digits cover any round.
func roundTextKey(n int) uint64 {
	digits := 6
	for p := 1_000_000; n >= p && digits < 10; p *= 10 {
		digits++
	}
	return uint64(n)*pow10[10-digits]<<4 | uint64(digits)
}

var pow10 = [...]uint64{1, 10, 100, 1_000, 10_000}
