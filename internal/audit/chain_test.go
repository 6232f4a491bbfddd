package audit

import (
	"errors"
	"strings"
	"testing"
)

func rows(links ...string) []Row {
	out := make([]Row, len(links))
	prev := ""
	for i, l := range links {
		out[i] = Row{Ref: Ref{Table: "t", ID: l}, Seq: int64(i + 1), Prev: prev, Link: l, Sealed: true}
		prev = l
	}
	return out
}

func TestWalk(t *testing.T) {
	chain := Chain{Name: "c", Table: "t"}
	head := &SealedHead{Head: Head{Chain: "c", Seq: 3, Link: "l3"}}
	cases := []struct {
		name string
		rows func() []Row
		head *SealedHead
		want []string // "table id: problem" fragments, in order
	}{
		{"sound", func() []Row { return rows("l1", "l2", "l3") }, head, nil},
		{"row broken", func() []Row { r := rows("l1", "l2", "l3"); r[1].Err = errors.New("edited"); return r }, head,
			[]string{"t l2: edited"}},
		{"row from elsewhere", func() []Row { r := rows("l1", "l2", "l3"); r[2].Prev = "lx"; return r }, head,
			[]string{"t l3: does not follow seq 2"}},
		{"middle deleted", func() []Row { r := rows("l1", "l2", "l3"); return []Row{r[0], r[2]} }, head,
			[]string{"t seq 2: missing: seq 2 to 2 deleted"}},
		{"end deleted", func() []Row { return rows("l1", "l2") }, head,
			[]string{"audit_heads c: rows 3 to 3 deleted from the end"}},
		{"appended past the head", func() []Row { return rows("l1", "l2", "l3", "l4") }, head,
			[]string{"audit_heads c: rows 4 to 4 added after the sealed head"}},
		{"head missing", func() []Row { return rows("l1") }, nil, []string{"audit_heads c: head missing"}},
		{"head forged", func() []Row { return rows("l1", "l2", "l3") }, &SealedHead{Head: head.Head, Err: ErrBadSeal},
			[]string{"audit_heads c: head: seal does not match"}},
		{"unsealed row", func() []Row { r := rows("l1", "l2", "l3"); r[2].Sealed = false; return r }, head,
			[]string{"t l3: unsealed, yet written after seals began"}},
	}
	for _, c := range cases {
		var got []string
		for _, f := range chain.Walk(c.rows(), c.head) {
			got = append(got, f.Table+" "+f.ID+": "+f.Problem)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: findings %q, want %q", c.name, got, c.want)
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], c.want[i]) {
				t.Errorf("%s: finding %q, want %q", c.name, got[i], c.want[i])
			}
		}
	}
	// Rows from before seals need none, up to where the chain was.
	r := rows("l1", "l2", "l3")
	r[0].Sealed, r[1].Sealed = false, false
	if fs := (Chain{Name: "c", Table: "t", Unsealed: 2}).Walk(r, head); len(fs) != 0 {
		t.Errorf("unsealed rows from before seals: %+v", fs)
	}
}
