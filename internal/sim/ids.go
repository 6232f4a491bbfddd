package sim

import (
	"encoding/binary"
	"encoding/hex"
)

// Ids of the world's records. Cash and traffic ids carry their window's
// business date; game ids are the provider's (see record.go).

// windowID formats "<prefix>-<label>-<n, zero-padded to width>".
func windowID(prefix, label string, n, width int) string {
	var buf [48]byte
	b := append(buf[:0], prefix...)
	b = append(b, '-')
	b = append(b, label...)
	b = append(b, '-')
	return string(appendPadded(b, n, width))
}

func paymentRef(win *window, seq int32) string { return windowID("pay", win.label, int(seq), 7) }
func pspLineID(win *window, seq int32) string  { return windowID("l", win.label, int(seq), 7) }
func batchID(win *window, cur string) string   { return "b-" + win.label + "-" + cur }
func payoutID(win *window, cur string) string  { return "l-" + win.label + "-payout-" + cur }
func cashEntryID(win *window, seq int32) string {
	return windowID("w", win.label, int(seq), 7) + "-c"
}
func bonusID(win *window, seq int32) string    { return windowID("bonus", win.label, int(seq), 7) }
func newPlayerID(win *window, i int32) string  { return windowID("n", win.label, int(i), 5) }
func fakePlayerID(win *window, i int32) string { return windowID("q", win.label, int(i), 5) }
func clickID(win *window, i int) string        { return windowID("c", win.label, i, 7) }
func registrationID(win *window, i int32) string {
	return windowID("r", win.label, int(i), 5)
}
func claimID(win *window, i int32) string { return windowID("f", win.label, int(i), 5) }

// playerOf is the id of a cash movement's player.
func (w *world) playerOf(win *window, e cashEvent) string {
	if e.player < 0 {
		return newPlayerID(win, -1-e.player)
	}
	return padded("p-", int(e.player), 5)
}

// hashHex is a 16-digit hex digest, as the network sends hashed IPs.
func hashHex(h uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], h)
	return hex.EncodeToString(b[:])
}
