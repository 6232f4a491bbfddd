package format

import (
	"bytes"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// Fields reads one record's fields, by the names a feed defines, and keeps
// the first failure: a record is rejected with the reason of the first
// field that fails, in the order the adapter reads them. Names the feed
// does not define are ignored. One Fields is reused for every record of a
// page.
type Fields struct {
	obj   wire.Object
	names []string
	vals  []*wire.Field
	err   *Error
}

// NewFields reads the named fields; an adapter refers to each by its
// position in names.
func NewFields(names ...string) *Fields {
	return &Fields{names: names, vals: make([]*wire.Field, len(names))}
}

// Parse parses raw and picks its fields; a record that is not a strict
// flat JSON object is the error.
func (f *Fields) Parse(raw []byte) *Error {
	clear(f.vals)
	f.err = nil
	if err := f.obj.Parse(raw); err != nil {
		return ParseFailure(err)
	}
	for i := range f.obj.Fields {
		x := &f.obj.Fields[i]
		for j, n := range f.names {
			if string(x.Name) == n {
				f.vals[j] = x
				break
			}
		}
	}
	return nil
}

// Err is the first failure of the reads so far.
func (f *Fields) Err() *Error { return f.err }

// Fail records a failure of the adapter's own checks, unless one came
// first.
func (f *Fields) Fail(reason, format string, args ...any) {
	if f.err == nil {
		f.err = Errorf(reason, format, args...)
	}
}

func (f *Fields) value(i int) wire.Field {
	if x := f.vals[i]; x != nil {
		return *x
	}
	return wire.Field{}
}

// Present reports whether field i was sent, other than as null.
func (f *Fields) Present(i int) bool {
	x := f.vals[i]
	return x != nil && x.Type != wire.TypeNull
}

// String reads string field i; a required one must not be empty.
func (f *Fields) String(i int, reason string, required bool) string {
	v, err := f.value(i).StringBytes()
	switch {
	case err != nil:
		f.Fail(reason, "%s: %v", f.names[i], err)
	case required && len(v) == 0:
		f.Fail(reason, "%s: missing or empty", f.names[i])
	}
	return string(v)
}

// Int64 reads field i as a JSON integer literal; an absent optional one
// is 0.
func (f *Fields) Int64(i int, reason string, required bool) int64 {
	x := f.value(i)
	if !required && (x.Type == 0 || x.Type == wire.TypeNull) {
		return 0
	}
	n, err := x.Int64()
	if err != nil {
		f.Fail(reason, "%s: %v", f.names[i], err)
	}
	return n
}

// Bool reads field i as a JSON boolean; absent or null is false.
func (f *Fields) Bool(i int) bool {
	x := f.value(i)
	switch x.Type {
	case 0, wire.TypeNull:
		return false
	case wire.TypeBool:
		return bytes.Equal(x.Value, []byte("true"))
	}
	f.Fail(ReasonBadField, "%s: want true or false, got %s", f.names[i], x.Type)
	return false
}

// Time reads field i as an RFC 3339 timestamp (see Timestamp); an absent
// optional one is the zero time.
func (f *Fields) Time(i int, required bool) time.Time {
	x := f.value(i)
	if !required && (x.Type == 0 || x.Type == wire.TypeNull) {
		return time.Time{}
	}
	t, fe := Timestamp(f.names[i], x)
	if fe != nil && f.err == nil {
		f.err = fe
	}
	return t
}

// Timestamp reads field name as an RFC 3339 timestamp, in UTC so that the
// same instant sent with another offset is the same record; the zero Field
// stands for an absent one.
func Timestamp(name string, x wire.Field) (time.Time, *Error) {
	v, err := x.StringBytes()
	switch {
	case err != nil:
		return time.Time{}, Errorf(ReasonBadTimestamp, "%s: %v", name, err)
	case len(v) == 0:
		return time.Time{}, Errorf(ReasonBadTimestamp, "%s: missing or empty", name)
	}
	var t time.Time
	if err := t.UnmarshalText(v); err != nil {
		return time.Time{}, Errorf(ReasonBadTimestamp, "%s: %q is not RFC 3339", name, v)
	}
	return t.UTC(), nil
}

// NewReject keeps a record's bytes as received, copied so the page's body
// can go, and its id (the top-level string idField) when one can be read
// despite the fault.
func NewReject(i int, raw []byte, idField string, fe *Error) record.Reject {
	id, _ := wire.PeekString(raw, idField)
	return record.Reject{Index: i, ExternalID: id, Reason: fe.Reason, Detail: fe.Detail, Raw: bytes.Clone(raw)}
}

// DecodePage turns each element of a page into exactly one record or one
// reject, in the order sent, with decode reading one element's fields.
func DecodePage(p feed.Page, f *Fields, idField string, decode func(*Fields, *record.Record) *Error) source.Page {
	out := source.Page{Records: make([]record.Record, 0, len(p.Elements)), NextCursor: p.NextCursor, Total: p.Total, Bytes: p.Bytes}
	for i, raw := range p.Elements {
		var r record.Record
		fe := f.Parse(raw)
		if fe == nil {
			fe = decode(f, &r)
		}
		if fe != nil {
			out.Rejects = append(out.Rejects, NewReject(i, raw, idField, fe))
			continue
		}
		record.SortAttrs(r.Attrs)
		r.Hash = record.ComputeHash(&r)
		out.Records = append(out.Records, r)
	}
	return out
}

// BookedAt is the booked_at attribute of a record booked at booked and
// happened at occurred: none when the feed did not say, or said the same.
func BookedAt(attrs []record.Attr, occurred, booked time.Time) []record.Attr {
	if booked.IsZero() || booked.Equal(occurred) {
		return attrs
	}
	return append(attrs, record.Attr{Key: record.AttrBookedAt, Value: booked.Format(time.RFC3339Nano)})
}

// Optional appends the attribute key = value when value is not empty.
func Optional(attrs []record.Attr, key, value string) []record.Attr {
	if value == "" {
		return attrs
	}
	return append(attrs, record.Attr{Key: key, Value: value})
}
