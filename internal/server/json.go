package server

import (
	"time"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// The API's answers. Field names are the API's contract, so they are
// declared here rather than taken from internal types; a cycle's are in
// internal/platform, as the CLI prints them too.

type eventJSON struct {
	Seq        int       `json:"seq"`
	Kind       string    `json:"kind"`
	Step       string    `json:"step,omitempty"`
	Actor      string    `json:"actor,omitempty"`
	Payload    any       `json:"payload"`
	Hash       string    `json:"hash"`
	RecordedAt time.Time `json:"recorded_at"`
}

func eventsJSON(events []store.Event) []eventJSON {
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{Seq: e.Seq, Kind: e.Kind, Step: e.Step, Actor: e.Actor, Payload: e.Payload,
			Hash: e.Hash, RecordedAt: e.RecordedAt})
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// reconCountJSON is recon.Count as the API names it (recon.Count travels
// in the workflow's result, so it keeps its Go field names there).
type reconCountJSON struct {
	Pair         string `json:"pair"`
	Type         string `json:"type"`
	Matched      int64  `json:"matched"`
	AutoResolved int64  `json:"auto_resolved"`
	Open         int64  `json:"open"`
	Resolved     int64  `json:"resolved"`
	OpenAmount   int64  `json:"open_amount"`
	OpenUnvalued int64  `json:"open_unvalued"`
}

func countsJSON(counts []recon.Count) []reconCountJSON {
	out := make([]reconCountJSON, 0, len(counts))
	for _, c := range counts {
		out = append(out, reconCountJSON{Pair: c.Pair, Type: c.Type, Matched: c.Matched, AutoResolved: c.AutoResolved,
			Open: c.Open, Resolved: c.Resolved, OpenAmount: c.OpenAmount, OpenUnvalued: c.OpenUnvalued})
	}
	return out
}

// openJSON is what a cycle's open breaks sum to, as its gate sees them.
type openJSON struct {
	Count     int64 `json:"count"`
	Amount    int64 `json:"amount"`
	Unvalued  int64 `json:"unvalued"`
	Conflicts int64 `json:"conflicts"`
}

func openJSONOf(o recon.Open) openJSON {
	return openJSON{Count: o.Count, Amount: o.Amount, Unvalued: o.Unvalued, Conflicts: o.Conflicts}
}
