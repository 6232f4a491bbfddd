package server

import (
	"time"

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
