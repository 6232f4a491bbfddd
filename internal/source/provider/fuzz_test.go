package provider

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/wire"
)

var reasons = format.Reasons

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
	f.Fuzz(func(t *testing.T, raw []byte) {
		elems := [][]byte{[]byte(good), raw, []byte(good)}
		p := decodePage(feed.Page{Envelope: wire.Envelope{Elements: elems}})
		checkPage(t, p, elems)
		if len(p.Records) < 2 || p.Records[0].ExternalID != "t-1" || p.Records[len(p.Records)-1].ExternalID != "t-1" {
			t.Fatalf("neighbours disturbed: %+v", p)
		}
	})
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
		checkPage(t, decodePage(feed.Page{Envelope: env}), env.Elements)
	})
}

// checkPage holds a decoded page to the adapter's promises.
func checkPage(t *testing.T, p source.Page, elems [][]byte) {
	t.Helper()
	if len(p.Records)+len(p.Rejects) != len(elems) {
		t.Fatalf("%d elements became %d records and %d rejects", len(elems), len(p.Records), len(p.Rejects))
	}
	last := -1
	for _, r := range p.Rejects {
		if r.Index <= last || r.Index >= len(elems) || !bytes.Equal(r.Raw, elems[r.Index]) {
			t.Fatalf("reject %+v: index out of order or raw not as sent", r)
		}
		last = r.Index
		if !slices.Contains(reasons, r.Reason) || r.Detail == "" || !clean(r.Detail) || !clean(r.ExternalID) {
			t.Fatalf("reject %+v: unknown reason or unclean text", r)
		}
	}
	for _, r := range p.Records {
		checkRecord(t, r)
	}
}

func checkRecord(t *testing.T, r record.Record) {
	t.Helper()
	text := []string{r.ExternalID, r.ReferenceID, r.Player, r.Currency, r.Attr("game_code"), r.Attr("round_id")}
	for _, s := range text {
		if !clean(s) {
			t.Fatalf("record %+v holds unclean text %q", r, s)
		}
	}
	switch {
	case r.Kind != record.KindProvider || r.ExternalID == "" || r.Player == "" || r.Currency == "" || r.Attr("round_id") == "":
		t.Fatalf("record %+v lacks a required field", r)
	case r.Type != "bet" && r.Type != "win" && (r.Type != "rollback" || r.ReferenceID == ""):
		t.Fatalf("record %+v has a bad type", r)
	case r.OccurredAt.Location() != time.UTC || r.Hash != record.ComputeHash(&r):
		t.Fatalf("record %+v: time not UTC or hash stale", r)
	case len(r.Attrs) != 2 || r.Attrs[0].Key != "game_code" || r.Attrs[1].Key != "round_id":
		t.Fatalf("record %+v: attrs", r)
	}
}

// clean is what Postgres text can hold: valid UTF-8 without NUL.
func clean(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
