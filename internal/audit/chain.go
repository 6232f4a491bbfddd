package audit

import (
	"fmt"
	"strconv"
)

// Ref says where a row is, for findings: its table, its id there, and the
// cycle it belongs to when it belongs to one.
type Ref struct {
	Table string
	ID    string
	Cycle string
}

// Row is one row of a chain as verification sees it.
type Row struct {
	Ref  Ref
	Seq  int64
	Prev string // the link to the row before, as stored
	Link string // this row's link, as stored; "" for an unsealed row without one
	// Sealed rows carry a seal; rows written before seals existed do not
	// and are checked by their plain hash or content alone.
	Sealed bool
	// Err is what is wrong with the row itself (its seal or its content);
	// nil when it is sound.
	Err error
}

// SealedHead is a chain's stored head and what checking its seal found.
type SealedHead struct {
	Head
	Err error
}

// HeadsTable is where chain heads are stored.
const HeadsTable = "audit_heads"

// Chain describes one chain for Walk.
type Chain struct {
	Name    string // as HeadsTable names it
	Table   string // where its rows are
	Cycle   string // the cycle an event chain belongs to
	Genesis string // the link before the first row
	// Unsealed is the last seq the chain had when seals began (0 if none):
	// only rows up to it may lack a seal.
	Unsealed int64
}

// rowID names the row at seq in findings about a missing row.
func (c Chain) rowID(seq int64) string {
	if c.Cycle != "" {
		return c.Cycle + "/" + strconv.FormatInt(seq, 10)
	}
	return "seq " + strconv.FormatInt(seq, 10)
}

// Walk checks the chain's rows, given in sequence order from 1: each row
// is sound, follows the row before it (the first follows the genesis), only
// rows from before seals lack one, no sequence number is missing, and the
// sealed head names the last row. head is nil when none is stored.
func (c Chain) Walk(rows []Row, head *SealedHead) []Finding {
	var out []Finding
	want, prev := int64(1), c.Genesis
	for _, r := range rows {
		followed := true
		if r.Seq != want {
			out = append(out, Finding{Table: c.Table, ID: c.rowID(want), Cycle: c.Cycle,
				Problem: fmt.Sprintf("missing: seq %d to %d deleted", want, r.Seq-1)})
			followed = false // the break is reported once, here
		}
		switch {
		case r.Err != nil:
			out = append(out, r.Ref.finding(r.Err.Error()))
		case followed && r.Prev != prev:
			out = append(out, r.Ref.finding(fmt.Sprintf("does not follow seq %d: a row before it was inserted, deleted or edited", r.Seq-1)))
		}
		if !r.Sealed && r.Seq > c.Unsealed {
			out = append(out, r.Ref.finding("unsealed, yet written after seals began: inserted without the key, or its seal stripped"))
		}
		prev, want = r.Link, r.Seq+1
	}
	if f, bad := c.checkHead(head, want-1, prev); bad {
		out = append(out, f)
	}
	return out
}

// checkHead compares the sealed head with the chain's last row.
func (c Chain) checkHead(head *SealedHead, last int64, link string) (Finding, bool) {
	ref := Ref{Table: HeadsTable, ID: c.Name, Cycle: c.Cycle}
	switch {
	case head == nil && last > c.Unsealed:
		return ref.finding("head missing: rows may have been cut from the end"), true
	case head == nil:
		return Finding{}, false
	case head.Err != nil:
		return ref.finding("head: " + head.Err.Error()), true
	case head.Seq > last:
		return ref.finding(fmt.Sprintf("rows %d to %d deleted from the end", last+1, head.Seq)), true
	case head.Seq < last:
		return ref.finding(fmt.Sprintf("rows %d to %d added after the sealed head without the key", head.Seq+1, last)), true
	case head.Link != link:
		return ref.finding(fmt.Sprintf("row %d is not the row the head was sealed with", last)), true
	}
	return Finding{}, false
}

func (r Ref) finding(problem string) Finding {
	return Finding{Table: r.Table, ID: r.ID, Cycle: r.Cycle, Problem: problem}
}
