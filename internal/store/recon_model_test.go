package store_test

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
)

// The reference model: matching stated record by record in Go on top of
// recon's decisions, which the set-based SQL must agree with exactly.

// wantBreak is a break the model expects.
type wantBreak struct {
	Kind, Status, Type string
	Left, Right        []string
	Difference         string // "nil" or the number
	Stake              int64
	Currency           string
}

// wantTally is what the model expects of one type.
type wantTally struct {
	Matched     int64
	Left, Right store.SideTally
}

type staged struct {
	r   record.Record
	pos int  // delivery order within its source
	rej bool // validation rejected it
}

func keyOf(s recon.Side, r record.Record) string {
	switch s.Key {
	case recon.KeyExternalID:
		return r.ExternalID
	case recon.KeyReferenceID:
		return r.ReferenceID
	case recon.KeyPlayer:
		return r.Player
	}
	return r.Attr(strings.TrimPrefix(s.Key, recon.KeyAttrPrefix))
}

func selects(s recon.Side, types []string, r staged, source string) bool {
	if source != s.Source || !slices.Contains(types, r.r.Type) {
		return false
	}
	for k, v := range s.Where {
		if r.r.Attr(k) != v {
			return false
		}
	}
	return true
}

// modelReconcile runs the pair over records staged per source, in order;
// a key that meets a record validation rejected (by source/id) records no
// break: the rejection accounts for it.
func modelReconcile(t *testing.T, cycle uuid.UUID, p recon.Pair, bySource map[string][]record.Record, rejected map[string]bool) (map[uuid.UUID]wantBreak, map[string]wantTally) {
	t.Helper()
	pick := func(s recon.Side, types []string) []staged {
		var out []staged
		for i, r := range bySource[s.Source] {
			if st := (staged{r, i, rejected[s.Source+"/"+r.ExternalID]}); selects(s, types, st, s.Source) {
				out = append(out, st)
			}
		}
		return out
	}
	m := &model{t: t, cycle: cycle, p: p, breaks: map[uuid.UUID]wantBreak{}, tallies: map[string]wantTally{}}
	left, right := pick(p.Left, p.LeftTypes()), pick(p.Right, p.RightTypes())
	switch p.Shape {
	case recon.OneToOne:
		m.oneToOne(left, right)
	case recon.ManyToOne:
		m.groups(left, right, recon.Left)
	case recon.OneToMany:
		m.groups(right, left, recon.Right)
	}
	return m.breaks, m.tallies
}

type model struct {
	t       *testing.T
	cycle   uuid.UUID
	p       recon.Pair
	breaks  map[uuid.UUID]wantBreak
	tallies map[string]wantTally
}

// byKey splits records into the first of each non-empty key, the others
// of those keys (duplicates), and the records without a key.
func byKey(s recon.Side, recs []staged) (first map[string]staged, dups []staged, keyless []staged) {
	groups := map[string][]staged{}
	for _, r := range recs {
		k := keyOf(s, r.r)
		if k == "" {
			keyless = append(keyless, r)
			continue
		}
		groups[k] = append(groups[k], r)
	}
	first = map[string]staged{}
	for k, g := range groups {
		sort.SliceStable(g, func(i, j int) bool {
			if !g[i].r.OccurredAt.Equal(g[j].r.OccurredAt) {
				return g[i].r.OccurredAt.Before(g[j].r.OccurredAt)
			}
			return g[i].pos < g[j].pos
		})
		first[k] = g[0]
		dups = append(dups, g[1:]...)
	}
	return first, dups, keyless
}

func itemOf(r *staged) *recon.Item {
	if r == nil {
		return nil
	}
	return &recon.Item{Type: r.r.Type, Amount: r.r.Amount, Currency: r.r.Currency, At: r.r.OccurredAt}
}

func idsOf(r *staged) []string {
	if r == nil {
		return []string{}
	}
	return []string{r.r.ExternalID}
}

func (m *model) oneToOne(left, right []staged) {
	lf, ldup, lnone := byKey(m.p.Left, left)
	rf, rdup, rnone := byKey(m.p.Right, right)
	keys := map[string]bool{}
	for k := range lf {
		keys[k] = true
	}
	for k := range rf {
		keys[k] = true
	}
	for k := range keys {
		var l, r *staged
		if v, ok := lf[k]; ok {
			l = &v
		}
		if v, ok := rf[k]; ok {
			r = &v
		}
		m.decide(k, k, l, r, itemOf(l), itemOf(r), idsOf(l), idsOf(r), rej(l) || rej(r))
	}
	for _, x := range lnone {
		m.decide("", "#"+x.r.ExternalID, &x, nil, itemOf(&x), nil, idsOf(&x), []string{}, x.rej)
	}
	for _, x := range rnone {
		m.decide("", "#"+x.r.ExternalID, nil, &x, nil, itemOf(&x), []string{}, idsOf(&x), x.rej)
	}
	for _, x := range ldup {
		m.duplicate(x, recon.Left)
	}
	for _, x := range rdup {
		m.duplicate(x, recon.Right)
	}
}

func (m *model) tallyType(l, r *staged) string {
	if l != nil {
		return m.p.TallyType(recon.Left, l.r.Type)
	}
	return m.p.TallyType(recon.Right, r.r.Type)
}

func rej(r *staged) bool { return r != nil && r.rej }

// decide classifies one key and records the outcome; a key holding a
// rejected record is accounted for by the rejection.
func (m *model) decide(key, identity string, l, r *staged, li, ri *recon.Item, lids, rids []string, rejected bool) {
	typ := m.p.TallyType(recon.Left, "")
	if m.p.Shape == recon.OneToOne {
		typ = m.tallyType(l, r)
	}
	tl := m.tallies[typ]
	ln, rn := int64(len(lids)), int64(len(rids))
	tl.Left.Records += ln
	tl.Right.Records += rn
	out := m.p.Classify(li, ri)
	switch {
	case rejected:
		tl.Left.Rejected += ln
		tl.Right.Rejected += rn
	case out.Kind == "" && out.Paired:
		tl.Matched++
		tl.Left.Matched += ln
		tl.Right.Matched += rn
	case out.Kind == "":
		tl.Left.Unpaired += ln
		tl.Right.Unpaired += rn
	default:
		m.add(key, identity, out.Kind, out.AutoResolved, typ, li, ri, lids, rids)
	}
	m.tallies[typ] = tl
}

func (m *model) duplicate(x staged, side string) {
	li, ri, lids, rids := itemOf(&x), (*recon.Item)(nil), idsOf(&x), []string{}
	typ := m.p.TallyType(side, x.r.Type)
	if side == recon.Right {
		li, ri, lids, rids = nil, itemOf(&x), []string{}, idsOf(&x)
	}
	key := keyOf(m.p.Left, x.r)
	if side == recon.Right {
		key = keyOf(m.p.Right, x.r)
	}
	tl := m.tallies[typ]
	tl.Left.Records += int64(len(lids))
	tl.Right.Records += int64(len(rids))
	if x.rej {
		tl.Left.Rejected += int64(len(lids))
		tl.Right.Rejected += int64(len(rids))
		m.tallies[typ] = tl
		return
	}
	m.tallies[typ] = tl
	m.add(key, key+"#"+x.r.ExternalID, recon.Duplicate, false, typ, li, ri, lids, rids)
}

func (m *model) add(key, identity, kind string, auto bool, typ string, li, ri *recon.Item, lids, rids []string) {
	d, err := m.p.Difference(li, ri)
	if err != nil {
		m.t.Fatal(err)
	}
	stake, cur, err := m.p.Stake(kind, li, ri)
	if err != nil {
		m.t.Fatal(err)
	}
	status := recon.StatusOpen
	if auto {
		status = recon.StatusAutoResolved
	}
	diff := "nil"
	if d != nil {
		diff = strconv.FormatInt(*d, 10)
	}
	id := recon.DiscrepancyID(m.cycle, m.p.Name, kind, identity)
	if _, dup := m.breaks[id]; dup {
		m.t.Fatalf("model: two breaks with identity %s %s", kind, identity)
	}
	slices.Sort(lids)
	slices.Sort(rids)
	m.breaks[id] = wantBreak{Kind: kind, Status: status, Type: typ, Left: lids, Right: rids, Difference: diff, Stake: stake, Currency: cur}
}

// groups matches groups of the many side against one record of the other;
// many is the side the groups are on.
func (m *model) groups(manyRecs, oneRecs []staged, many string) {
	manySide, oneSide := m.p.Left, m.p.Right
	if many == recon.Right {
		manySide, oneSide = m.p.Right, m.p.Left
	}
	groups := map[string][]staged{}
	var keyless []staged
	for _, r := range manyRecs {
		if k := keyOf(manySide, r.r); k != "" {
			groups[k] = append(groups[k], r)
		} else {
			keyless = append(keyless, r)
		}
	}
	of, odup, onone := byKey(oneSide, oneRecs)
	keys := map[string]bool{}
	for k := range groups {
		keys[k] = true
	}
	for k := range of {
		keys[k] = true
	}
	for k := range keys {
		g, ok := groups[k]
		var gi *recon.Item
		gids := []string{}
		if ok {
			gi, gids = m.net(g), m.ids(g)
		}
		var o *staged
		if v, ok := of[k]; ok {
			o = &v
		}
		m.sides(k, k, gi, itemOf(o), gids, idsOf(o), many, anyRejected(g) || rej(o))
	}
	for _, x := range keyless {
		m.sides("", "#"+x.r.ExternalID, m.net([]staged{x}), nil, []string{x.r.ExternalID}, []string{}, many, x.rej)
	}
	for _, x := range onone {
		m.sides("", "#"+x.r.ExternalID, nil, itemOf(&x), []string{}, idsOf(&x), many, x.rej)
	}
	for _, x := range odup {
		m.duplicate(x, map[string]string{recon.Left: recon.Right, recon.Right: recon.Left}[many])
	}
}

func (m *model) sides(key, identity string, g, o *recon.Item, gids, oids []string, many string, rejected bool) {
	if many == recon.Left {
		m.decide(key, identity, nil, nil, g, o, gids, oids, rejected)
	} else {
		m.decide(key, identity, nil, nil, o, g, oids, gids, rejected)
	}
}

func anyRejected(g []staged) bool {
	for _, x := range g {
		if x.rej {
			return true
		}
	}
	return false
}

func (m *model) net(g []staged) *recon.Item {
	it := &recon.Item{Currency: g[0].r.Currency}
	for _, x := range g {
		a := x.r.Amount
		if slices.Contains(m.p.Net.Negate, x.r.Type) {
			a = -a
		}
		if m.p.Net.FeeAttr != "" && x.r.Attr(m.p.Net.FeeAttr) != "" {
			fee, err := strconv.ParseInt(x.r.Attr(m.p.Net.FeeAttr), 10, 64)
			if err != nil {
				m.t.Fatal(err)
			}
			a -= fee
		}
		it.Amount += a
		if x.r.Currency != it.Currency {
			it.Mixed = true
		}
	}
	if it.Mixed {
		it.Currency = ""
	}
	return it
}

func (m *model) ids(g []staged) []string {
	out := make([]string, len(g))
	for i, x := range g {
		out[i] = x.r.ExternalID
	}
	return out
}

// gotBreaks reads a cycle's breaks of one pair in the model's terms.
func gotBreaks(t *testing.T, list []store.Discrepancy, pair string) map[uuid.UUID]wantBreak {
	t.Helper()
	out := map[uuid.UUID]wantBreak{}
	for _, d := range list {
		if d.Pair != pair {
			continue
		}
		diff := "nil"
		if d.Difference != nil {
			diff = strconv.FormatInt(*d.Difference, 10)
		}
		l, r := slices.Clone(d.Left.IDs), slices.Clone(d.Right.IDs)
		slices.Sort(l)
		slices.Sort(r)
		out[d.ID] = wantBreak{Kind: d.Kind, Status: d.Status, Type: d.RecordType, Left: l, Right: r,
			Difference: diff, Stake: d.AtStake, Currency: d.Currency}
	}
	return out
}

// compareBreaks reports every difference between the model and the SQL.
func compareBreaks(t *testing.T, pair string, want, got map[uuid.UUID]wantBreak) {
	t.Helper()
	for id, w := range want {
		g, ok := got[id]
		switch {
		case !ok:
			t.Errorf("%s: break %s %+v not found", pair, id, w)
		case fmt.Sprint(g) != fmt.Sprint(w):
			t.Errorf("%s: break %s\n got %+v\nwant %+v", pair, id, g, w)
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("%s: unexpected break %s %+v", pair, id, g)
		}
	}
}
