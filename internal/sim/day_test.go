package sim

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"
)

func TestRoundTextKeyFollowsIDText(t *testing.T) {
	nums := []int{0, 1, 9, 10, 99_999, 100_000, 100_001, 999_999, 1_000_000, 1_000_001,
		1_999_999, 10_000_000, 99_999_999, 100_000_000, maxRoundsPerDay}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 400 {
		nums = append(nums, rng.IntN(maxRoundsPerDay+1), rng.IntN(2_000_000), 100_000+rng.IntN(20))
	}
	ids := make([]string, len(nums))
	for i, n := range nums {
		ids[i] = fmt.Sprintf("t-20261101-%06d-b", n)
	}
	for i, a := range nums {
		for j, b := range nums {
			if (ids[i] < ids[j]) != (roundTextKey(a) < roundTextKey(b)) {
				t.Fatalf("rounds %d and %d: key order differs from id order", a, b)
			}
		}
	}
}

// TestDayOrderPastSixDigits builds a day with rounds past 999,999, where id
// text order stops being numeric order, and checks every neighbouring pair
// of the served index against the ids' text.
func TestDayOrderPastSixDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a day of 1.4M records")
	}
	cfg := ProviderConfig{Seed: 3, Players: 100, RoundsPerDay: textOrderFrom + 50_000, Faults: Faults{InvalidEvery: 5}}.normalized()
	d := buildDay(cfg, day0.Unix()/secondsPerDay)
	var prev, cur []byte
	prevSec := -1
	for _, e := range d.index[d.oop:] {
		sec := d.sec(e)
		cur = idText(cur[:0], d, e)
		if sec < prevSec || sec == prevSec && string(cur) < string(prev) {
			t.Fatalf("out of order: %d %q after %d %q", sec, cur, prevSec, prev)
		}
		prev, cur, prevSec = cur, prev, sec
	}
}

// idText appends an entry's transaction id as the original generator
// formatted it, with no allocation.
func idText(b []byte, d *compactDay, e entry) []byte {
	if e.kind() == kindMissingID {
		return b
	}
	b = fmt.Appendf(b, "t-%s-%06d-", d.stamp, e.round())
	switch {
	case !e.settle():
		b = append(b, 'b')
	case d.rounds[e.round()].outcome() == outcomeRollback:
		b = append(b, 'r')
	default:
		b = append(b, 'w')
	}
	if e.kind() != 0 {
		b = append(b, "-x"...)
	}
	return b
}

func TestFullDayCountMatchesBuiltDay(t *testing.T) {
	for _, every := range []int{0, 1, 2, 3, 7, 250} {
		cfg := ProviderConfig{Seed: int64(every), Players: 40, RoundsPerDay: 3000, Faults: Faults{InvalidEvery: every}}.normalized()
		for num := int64(20000); num < 20003; num++ {
			if got, want := fullDayCount(cfg, num), len(buildDay(cfg, num).index); got != want {
				t.Errorf("every %d day %d: counted %d, built %d", every, num, got, want)
			}
		}
	}
}

// TestRoundPacking stores the largest value each draw can take (bets are at
// most 1,000 won in hundreds, see betAmount) and reads it back.
func TestRoundPacking(t *testing.T) {
	if len(gameCodes) > 1<<gameBits {
		t.Fatalf("%d games do not fit %d bits", len(gameCodes), gameBits)
	}
	maxSec := secondsPerDay - maxRoundSeconds - 2
	r := newRound(maxPlayers, len(gameCodes)-1, maxSec, 100_000, maxRoundSeconds, outcomeWin, maxWinPercent)
	if r.player != maxPlayers || r.game() != gameCodes[len(gameCodes)-1] || r.sec() != maxSec || r.bet() != 100_000 ||
		r.settle() != maxRoundSeconds || r.outcome() != outcomeWin || r.pct() != maxWinPercent {
		t.Errorf("largest round did not survive packing: %+v", r)
	}
}

// TestCompactDaySize pins the memory a day costs per record.
func TestCompactDaySize(t *testing.T) {
	if s := unsafe.Sizeof(round{}); s != 12 {
		t.Errorf("round is %d bytes, want 12", s)
	}
	cfg := ProviderConfig{Seed: 1, Players: 200, RoundsPerDay: 50_000}.normalized()
	d := buildDay(cfg, day0.Unix()/secondsPerDay)
	bytes := len(d.rounds)*int(unsafe.Sizeof(round{})) + cap(d.index)*int(unsafe.Sizeof(entry(0)))
	if per := float64(bytes) / float64(len(d.index)); per > 16 {
		t.Errorf("%.1f bytes per record, want at most 16", per)
	}
}

func TestDaySecondsAndRange(t *testing.T) {
	num := day0.Unix() / secondsPerDay
	for _, tc := range []struct {
		from, to    time.Time
		first, last int64
		lo, hi      int // seconds of day0
	}{
		{day0, day0.Add(24 * time.Hour), num, num, 0, secondsPerDay},
		{day0.Add(500 * time.Millisecond), day0.Add(24*time.Hour + time.Nanosecond), num, num + 1, 1, secondsPerDay},
		{day0.Add(-time.Second), day0.Add(time.Second), num - 1, num, 0, 1},
		{day0.Add(10 * time.Second), day0.Add(10*time.Second + time.Millisecond), num, num, 10, 11},
	} {
		first, last := dayRange(tc.from, tc.to)
		lo, hi := daySeconds(num, tc.from, tc.to)
		if first != tc.first || last != tc.last || lo != tc.lo || hi != tc.hi {
			t.Errorf("%v..%v: days %d..%d seconds %d..%d, want %d..%d %d..%d",
				tc.from, tc.to, first, last, lo, hi, tc.first, tc.last, tc.lo, tc.hi)
		}
	}
	if got := floorDiv(-1, secondsPerDay); got != -1 {
		t.Errorf("floorDiv(-1) = %d", got)
	}
}
