// Package ledger builds double-entry journal entries. Amounts are signed
// minor units: a debit is positive, a credit negative, and every entry sums
// to zero in each currency. Entries are never changed: a mistake is undone
// by a reversing entry.
package ledger

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
)

// Entry kinds.
const (
	KindSettlement = "settlement"
	KindReversal   = "reversal"
)

// Line is one posting to one account.
type Line struct {
	Account  string `json:"account"`
	Currency string `json:"currency"`
	Amount   int64  `json:"amount"`
}

// Entry is a balanced set of lines posted together.
type Entry struct {
	ID          uuid.UUID
	CycleID     uuid.UUID
	Kind        string
	Reverses    *uuid.UUID
	Description string
	Lines       []Line
}

// ErrEmpty is returned for an entry without lines.
var ErrEmpty = errors.New("journal entry has no lines")

// Validate checks the entry is postable: at least one line, no zero
// amounts, and balanced per currency.
func (e Entry) Validate() error {
	if len(e.Lines) == 0 {
		return fmt.Errorf("entry %s: %w", e.ID, ErrEmpty)
	}
	sums := map[string]int64{}
	for i, l := range e.Lines {
		if l.Amount == 0 {
			return fmt.Errorf("entry %s line %d (%s): zero amount", e.ID, i+1, l.Account)
		}
		if l.Account == "" || l.Currency == "" {
			return fmt.Errorf("entry %s line %d: account and currency are required", e.ID, i+1)
		}
		sums[l.Currency] += l.Amount
	}
	for _, cur := range slices.Sorted(maps.Keys(sums)) {
		if sums[cur] != 0 {
			return fmt.Errorf("entry %s is unbalanced in %s by %d", e.ID, cur, sums[cur])
		}
	}
	return nil
}

// Reversal returns the entry that undoes e: the same lines negated.
func (e Entry) Reversal(id uuid.UUID, description string) Entry {
	lines := make([]Line, len(e.Lines))
	for i, l := range e.Lines {
		lines[i] = Line{Account: l.Account, Currency: l.Currency, Amount: -l.Amount}
	}
	reverses := e.ID
	return Entry{ID: id, CycleID: e.CycleID, Kind: KindReversal, Reverses: &reverses, Description: description, Lines: lines}
}

// Balance sums lines per currency; a set of balanced entries gives zeros.
func Balance(lines []Line) map[string]int64 {
	sums := map[string]int64{}
	for _, l := range lines {
		sums[l.Currency] += l.Amount
	}
	return sums
}
