package provider

import (
	"testing"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// FuzzDecodeRecord puts an arbitrary element between two good records and
// checks that it ends as exactly one record or one reject, and leaves its
// neighbours alone.
func FuzzDecodeRecord(f *testing.F) {
	for _, s := range []string{
		good, `[1,2]`, with("amount", `1e3`), with("type", `"rollback"`), with("player_id", "\"p-\x001\""),
		with("game_code", "\"\xff\""), with("amount", `1,"amount":2`), with("timestamp", `"2026-11-01T03:04:05.999999999-23:59"`),
		with("transaction_id", `"t-\ud83d\ude00"`),
	} {
		f.Add([]byte(s))
	}
	sourcetest.FuzzElement(f, good, decodePage, checkRecord)
}

// FuzzDecodePage feeds whole bodies through the envelope and the decoder.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"data":[` + good + `,` + with("type", `"bonus"`) + `,[1]],"next_cursor":"c"}`))
	f.Add([]byte("{\"data\":[{\"transaction_id\":\"t\xff\"},{\"a\":\"\x00\"}]}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := wire.ScanEnvelope(body)
		if err != nil {
			return
		}
		sourcetest.CheckPage(t, decodePage(feed.Page{Envelope: env}), env.Elements, checkRecord)
	})
}

// checkRecord adds the aggregator's own promises to every adapter's.
func checkRecord(t *testing.T, r record.Record) {
	t.Helper()
	switch {
	case r.Kind != record.KindProvider || r.Player == "" || r.Attr("round_id") == "":
		t.Fatalf("record %+v lacks a required field", r)
	case r.Type != "bet" && r.Type != "win" && (r.Type != "rollback" || r.ReferenceID == ""):
		t.Fatalf("record %+v has a bad type", r)
	case len(r.Attrs) != 2 || r.Attrs[0].Key != "game_code" || r.Attrs[1].Key != "round_id":
		t.Fatalf("record %+v: attrs", r)
	}
}
