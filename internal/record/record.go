// Package record is settleflow's canonical record: what every source adapter
// produces from its partner's wire format and what the store stages. The
// store and every later step see only this type, never an adapter's own.
package record

import "time"

// Source kinds. A scope's source names one; an adapter serves each.
const (
	KindProvider = "provider" // game aggregator transaction feed
	KindWallet   = "wallet"   // the operator's wallet ledger export
	KindPSP      = "psp"      // payment processor settlement report
	KindTraffic  = "traffic"  // ad / affiliate network
	KindFX       = "fx"       // daily reference rates
)

// Kinds lists every source kind in a stable order.
var Kinds = []string{KindProvider, KindWallet, KindPSP, KindTraffic, KindFX}

// Record is one format-valid record of any source. Business rules are not
// checked here: a later validation stage owns them.
type Record struct {
	Kind string
	// ExternalID is the source's own id for the record, unique per source.
	ExternalID string
	// ReferenceID is the id of the record this one points at: the bet a
	// rollback cancels, the provider transaction a wallet entry mirrors,
	// the PSP reference of a cash movement. Empty when it points nowhere.
	ReferenceID string
	Player      string
	Type        string
	Amount      int64 // minor units as sent; may be negative
	Currency    string
	OccurredAt  time.Time
	// Attrs are the kind's own fields, sorted by key (see SortAttrs).
	Attrs []Attr
	// Hash fingerprints the content (see ComputeHash): two records with the
	// same ExternalID and different hashes are conflicting duplicates.
	Hash Hash
}

// Attr is one kind-specific field.
type Attr struct {
	Key, Value string
}

// Attr returns the value of key, or "" when the record has none.
func (r *Record) Attr(key string) string {
	for _, a := range r.Attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// Reject is a record that failed format validation (stage 1), kept with its
// raw bytes for quarantine.
type Reject struct {
	// Index is the record's position in its page.
	Index int
	// ExternalID is the id when one could be read, for tracing it back.
	ExternalID string
	Reason     string
	Detail     string
	Raw        []byte
}
