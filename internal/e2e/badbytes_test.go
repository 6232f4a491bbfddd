package e2e

import (
	"bytes"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// badRecord is one element a partner might send, as raw bytes, and the
// reason it must be quarantined under.
type badRecord struct {
	raw    []byte
	reason string
}

// rawRecord is a well-formed bet inside the demo period with one field
// replaced, written as raw bytes so the bytes can be anything.
func rawRecord(id, field, value string) []byte {
	fields := map[string]string{"transaction_id": `"` + id + `"`, "round_id": `"r-` + id + `"`, "player_id": `"p-1"`,
		"game_code": `"slot-1"`, "type": `"bet"`, "amount": "100", "currency": `"USD"`, "timestamp": `"2026-11-01T03:00:00Z"`}
	fields[field] = value
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range []string{"transaction_id", "round_id", "player_id", "game_code", "type", "amount", "currency", "timestamp"} {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + k + `":` + fields[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// Bytes that are not text, a NUL raw or escaped, and an amount beyond
// int64 are each rejected for that record alone, under its own reason, and
// kept in quarantine byte for byte; the other records of the page are
// staged and the cycle settles exactly what the valid records add up to.
func TestBadBytesQuarantinedPerRecord(t *testing.T) {
	t.Parallel()
	bad := []badRecord{
		{rawRecord("bad-utf8", "player_id", "\"p-\xff\xfe\""), "FORMAT_BAD_ENCODING"},
		{rawRecord("nul-raw", "game_code", "\"slot\x00\""), "FORMAT_NUL_BYTE"},
		{rawRecord("nul-escaped", "player_id", `"p-\u0000"`), "FORMAT_NUL_BYTE"},
		{rawRecord("huge-amount", "amount", "99999999999999999999"), "FORMAT_BAD_AMOUNT"},
	}
	cfg := demoFeed()
	x := expect(t, cfg, periodFrom, periodTo)
	x.records += len(bad)
	x.formatRejects += int64(len(bad))
	for _, b := range bad {
		x.byReason[b.reason]++
	}
	raws := make([][]byte, len(bad))
	for i, b := range bad {
		raws[i] = b.raw
	}
	inject := rewriting(func(n int, _ string, body []byte) []byte {
		if n == 2 {
			return withRecords(t, body, raws...)
		}
		return body
	})
	e := newEnv(t, envOptions{sim: cfg, slices: 1, feed: inject})
	_, res := e.completeCycle(testTuning)
	requireSettlement(t, e, res, x)
	for _, b := range bad {
		var raw []byte
		var reason string
		err := e.store.Pool.QueryRow(e.ctx, `SELECT raw, reason FROM quarantine WHERE cycle_id = $1 AND stage = 'format' AND raw = $2`,
			e.cycleID(res), b.raw).Scan(&raw, &reason)
		if err != nil || reason != b.reason {
			t.Errorf("%q: quarantined as %q (%v), want %s with its bytes as sent", b.raw, reason, err, b.reason)
		}
	}
}

// Accepted amounts whose sum no 64-bit total can hold stop the cycle at
// validate, without retrying, with an error naming the record that takes
// the total over, its field and its currency.
func TestOverflowingSumBlocksNamingTheRecord(t *testing.T) {
	t.Parallel()
	inject := rewriting(func(n int, _ string, body []byte) []byte {
		if n == 2 {
			return withRecords(t, body, rawRecord("big-1", "amount", "5000000000000000000"),
				rawRecord("big-2", "amount", "5000000000000000000"))
		}
		return body
	})
	e := newEnv(t, envOptions{sim: demoFeed(), slices: 1, feed: inject})
	started := e.startCycle(abortTuning())
	st := e.waitBlocked(started)
	if st.Blocked.Step != lifecycle.StepValidate {
		t.Fatalf("blocked at %s: %s", st.Blocked.Step, st.Blocked.Error)
	}
	for _, want := range []string{`source aggregator record "big-2"`, "field amount 5000000000000000000 USD", "USD bet total"} {
		if !strings.Contains(st.Blocked.Error, want) {
			t.Errorf("blocked with %q, want it to say %q", st.Blocked.Error, want)
		}
	}
	if _, err := e.waitCycle(started, true); err == nil {
		t.Error("the cycle completed")
	}
}
