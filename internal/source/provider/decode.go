package provider

import (
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// decodePage turns each element of a page into exactly one record or one
// reject, in the order sent.
func decodePage(p feed.Page) source.Page {
	out := source.Page{
		Records:    make([]record.Record, 0, len(p.Elements)),
		NextCursor: p.NextCursor,
		Total:      p.Total,
		Bytes:      p.Bytes,
	}
	d := decoder{attrs: make([]record.Attr, 2*len(p.Elements))}
	for i, raw := range p.Elements {
		n := len(out.Records)
		out.Records = out.Records[:n+1]
		if fe := d.decode(raw, &out.Records[n], d.attrs[2*i:2*i+2:2*i+2]); fe != nil {
			out.Records[n] = record.Record{}
			out.Records = out.Records[:n]
			out.Rejects = append(out.Rejects, format.NewReject(i, raw, "transaction_id", fe))
		}
	}
	return out
}

// decoder reuses its parser and buffers across the records of one page.
type decoder struct {
	obj    wire.Object
	attrs  []record.Attr // two per element, handed out in order
	joined []byte        // a record's strings, end to end
}

// fields are one record's fields as sent, nil when absent.
type fields struct {
	id, round, player, game, typ, currency, ref, amount, timestamp *wire.Field
}

// text is the string fields' values, still in the page's bytes.
type text struct {
	id, round, player, game, typ, currency, ref []byte
}

// decode checks one element and fills r, whose Attrs get attrs.
func (d *decoder) decode(raw []byte, r *record.Record, attrs []record.Attr) *format.Error {
	if err := d.obj.Parse(raw); err != nil {
		return format.ParseFailure(err)
	}
	f := d.pick()
	var t text
	if fe := readText(&f, &t); fe != nil {
		return fe
	}
	typ, fe := checkType(t)
	if fe != nil {
		return fe
	}
	amount, err := value(f.amount).Int64()
	if err != nil {
		return format.Errorf(format.ReasonBadAmount, "amount: %v", err)
	}
	at, fe := timestamp(f.timestamp)
	if fe != nil {
		return fe
	}
	d.build(r, t, typ, amount, at, attrs)
	r.Hash = record.ComputeHash(r)
	return nil
}

// pick finds the fields the feed defines in one pass; others are ignored.
func (d *decoder) pick() (f fields) {
	for i := range d.obj.Fields {
		x := &d.obj.Fields[i]
		switch string(x.Name) {
		case "transaction_id":
			f.id = x
		case "round_id":
			f.round = x
		case "player_id":
			f.player = x
		case "game_code":
			f.game = x
		case "type":
			f.typ = x
		case "currency":
			f.currency = x
		case "ref_transaction_id":
			f.ref = x
		case "amount":
			f.amount = x
		case "timestamp":
			f.timestamp = x
		}
	}
	return f
}

// value is *x, or the zero Field that stands for an absent one.
func value(x *wire.Field) wire.Field {
	if x == nil {
		return wire.Field{}
	}
	return *x
}

// readText reads the string fields; the first failure, in this order,
// is the record's reason.
func readText(f *fields, t *text) *format.Error {
	var fe *format.Error
	str := func(name string, x *wire.Field, reason string, required bool) []byte {
		if fe != nil {
			return nil
		}
		v, err := value(x).StringBytes()
		switch {
		case err != nil:
			fe = format.Errorf(reason, "%s: %v", name, err)
		case required && len(v) == 0:
			fe = format.Errorf(reason, "%s: missing or empty", name)
		}
		return v
	}
	t.id = str("transaction_id", f.id, format.ReasonMissingID, true)
	t.round = str("round_id", f.round, format.ReasonMissingField, true)
	t.player = str("player_id", f.player, format.ReasonMissingField, true)
	t.game = str("game_code", f.game, format.ReasonMissingField, false)
	t.typ = str("type", f.typ, format.ReasonBadType, true)
	t.currency = str("currency", f.currency, format.ReasonMissingCurrency, true)
	t.ref = str("ref_transaction_id", f.ref, format.ReasonMissingRef, false)
	return fe
}

// checkType returns the type as one of the constant strings, so records
// share them rather than each holding a copy.
func checkType(t text) (string, *format.Error) {
	switch string(t.typ) {
	case "bet":
		return "bet", nil
	case "win":
		return "win", nil
	case "rollback":
		if len(t.ref) == 0 {
			return "", format.Errorf(format.ReasonMissingRef, "ref_transaction_id: missing or empty on a rollback")
		}
		return "rollback", nil
	}
	return "", format.Errorf(format.ReasonBadType, "type: %q is not bet, win or rollback", t.typ)
}

// timestamp reads the record's RFC 3339 timestamp, in UTC.
func timestamp(x *wire.Field) (time.Time, *format.Error) {
	return format.Timestamp("timestamp", value(x))
}

// build fills r, copying its text out of the page in one allocation.
func (d *decoder) build(r *record.Record, t text, typ string, amount int64, at time.Time, attrs []record.Attr) {
	b := append(d.joined[:0], t.id...)
	b = append(b, t.ref...)
	b = append(b, t.player...)
	b = append(b, t.currency...)
	b = append(b, t.game...)
	b = append(b, t.round...)
	d.joined = b
	s := cutter{s: string(b)}
	r.Kind = record.KindProvider
	r.ExternalID = s.next(len(t.id))
	r.ReferenceID = s.next(len(t.ref))
	r.Player = s.next(len(t.player))
	r.Type = typ
	r.Amount = amount
	r.Currency = s.next(len(t.currency))
	r.OccurredAt = at
	// Already in key order, as record.SortAttrs would leave them.
	attrs[0] = record.Attr{Key: "game_code", Value: s.next(len(t.game))}
	attrs[1] = record.Attr{Key: "round_id", Value: s.next(len(t.round))}
	r.Attrs = attrs
}

// cutter hands out consecutive substrings of s.
type cutter struct {
	s string
	i int
}

func (c *cutter) next(n int) string {
	v := c.s[c.i : c.i+n]
	c.i += n
	return v
}
