// Package psp is the source adapter for the payment processor's
// settlement report, GET /v1/settlement-report: a line per deposit,
// withdrawal and chargeback with its fee, and the payout batches that pay
// the operator net of fees. The report publishes control totals. It maps
// the lines to canonical records and applies stage 1 (format) validation.
package psp

import (
	"strconv"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
)

// reportPath is the report's endpoint; its control totals are at
// reportPath + feed.SummarySuffix.
const reportPath = "/v1/settlement-report"

// Kind registers the adapter; the feed serves at most 5000 lines a page.
var Kind = feed.NewKind(record.KindPSP, 5000, reportPath, decodePage, true)

// The line's fields, by position in names.
const (
	fID = iota
	fType
	fReference
	fBatch
	fPlayer
	fAmount
	fCurrency
	fFee
	fBooked
)

var names = []string{"line_id", "type", "reference", "batch_id", "player_id", "amount", "currency", "fee", "booked_at"}

func decodePage(p feed.Page) source.Page {
	return format.DecodePage(p, format.NewFields(names...), "line_id", decode)
}

// decode maps one line: ReferenceID is the payment's reference (a
// chargeback's is the deposit's), or for a payout its batch.
func decode(f *format.Fields, r *record.Record) *format.Error {
	r.Kind = record.KindPSP
	r.ExternalID = f.String(fID, format.ReasonMissingID, true)
	r.Type = f.String(fType, format.ReasonBadType, true)
	batch := f.String(fBatch, format.ReasonMissingField, true)
	r.Amount = f.Int64(fAmount, format.ReasonBadAmount, true)
	r.Currency = f.String(fCurrency, format.ReasonMissingCurrency, true)
	fee := f.Int64(fFee, format.ReasonBadAmount, true)
	r.OccurredAt = f.Time(fBooked, true)
	if fe := f.Err(); fe != nil {
		return fe
	}
	switch r.Type {
	case record.TypeDeposit, record.TypeWithdrawal, record.TypeChargeback:
		r.ReferenceID = f.String(fReference, format.ReasonMissingRef, true)
		r.Player = f.String(fPlayer, format.ReasonMissingField, true)
	case record.TypePayout:
		r.ReferenceID = batch
	default:
		f.Fail(format.ReasonBadType, "type: %q is not deposit, withdrawal, chargeback or payout", r.Type)
	}
	if fee < 0 {
		f.Fail(format.ReasonBadAmount, "fee: %d is negative", fee)
	}
	if fe := f.Err(); fe != nil {
		return fe
	}
	r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrFee, Value: strconv.FormatInt(fee, 10)},
		record.Attr{Key: record.AttrBatchID, Value: batch})
	return nil
}
