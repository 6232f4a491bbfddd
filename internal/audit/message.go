package audit

import (
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/ledger"
)

// Message is the canonical byte string a seal covers.
type Message []byte

// newMessage encodes a domain and fields so that no two different rows
// encode alike: the domain, a newline, then each field as its byte length
// in decimal, ':' and its bytes, then a newline. The domain keeps a seal
// of one kind of row from passing for another's.
func newMessage(domain string, fields ...string) Message {
	b := append([]byte(domain), '\n')
	for _, f := range fields {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, '\n')
	}
	return b
}

// stamp writes a stored time the way it reads back from PostgreSQL:
// microseconds, UTC.
func stamp(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano) }

// EventGenesis is the link before the first event of every cycle's log.
const EventGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is what an event's seal covers. The payload enters by its digest,
// so retention can remove a payload and the chain still verifies.
type Event struct {
	CycleID       uuid.UUID
	Seq           int
	Kind          string
	Step          string
	Actor         string
	PayloadSHA256 string
	PrevHash      string
	RecordedAt    time.Time
}

// Message is the event's sealed form.
func (e Event) Message() Message {
	return newMessage("settleflow/event/v1", e.CycleID.String(), strconv.Itoa(e.Seq), e.Kind, e.Step, e.Actor,
		e.PayloadSHA256, e.PrevHash, stamp(e.RecordedAt))
}

// Entry is what a journal entry's seal covers: the entry, every line in
// order, its place in the journal's chain and the seal before it.
type Entry struct {
	ledger.Entry
	Seq      int64
	PrevMAC  string
	PostedAt time.Time
}

// Message is the entry's sealed form.
func (e Entry) Message() Message {
	reverses := ""
	if e.Reverses != nil {
		reverses = e.Reverses.String()
	}
	fields := []string{e.ID.String(), e.CycleID.String(), e.Kind, reverses, e.Description, stamp(e.PostedAt),
		strconv.FormatInt(e.Seq, 10), e.PrevMAC, strconv.Itoa(len(e.Lines))}
	for _, l := range e.Lines {
		fields = append(fields, l.Account, l.Currency, strconv.FormatInt(l.Amount, 10))
	}
	return newMessage("settleflow/journal-entry/v1", fields...)
}

// Statement is what a statement's seal covers: its identity and the
// SHA-256 of its published content, which verification recomputes from
// the stored bytes. Its status is not sealed: it moves by design.
type Statement struct {
	ID        uuid.UUID
	CycleID   uuid.UUID
	Partner   string
	SHA256    string
	CreatedAt time.Time
	Seq       int64
	PrevMAC   string
}

// Message is the statement's sealed form.
func (s Statement) Message() Message {
	return newMessage("settleflow/statement/v1", s.ID.String(), s.CycleID.String(), s.Partner, s.SHA256,
		stamp(s.CreatedAt), strconv.FormatInt(s.Seq, 10), s.PrevMAC)
}

// Names of the chains whose heads are sealed.
const (
	JournalChain   = "journal"
	StatementChain = "statements"
)

// EventChain names one cycle's event log as a chain.
func EventChain(cycleID uuid.UUID) string { return "events/" + cycleID.String() }

// Head is where a chain ends: its last sequence number and that row's
// link. Sealed, it shows rows cut from the end of a chain.
type Head struct {
	Chain string `json:"chain"`
	Seq   int64  `json:"seq"`
	Link  string `json:"link"`
}

// Message is the head's sealed form.
func (h Head) Message() Message {
	return newMessage("settleflow/head/v1", h.Chain, strconv.FormatInt(h.Seq, 10), h.Link)
}
