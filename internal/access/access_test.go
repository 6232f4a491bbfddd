package access

import (
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

func TestRolesAreOrdered(t *testing.T) {
	cases := []struct {
		have, need Role
		ok         bool
	}{
		{Viewer, Viewer, true}, {Viewer, Operator, false}, {Operator, Approver, false},
		{Approver, Operator, true}, {Admin, Approver, true}, {Admin, Admin, true},
		{Approver, Admin, false}, {Role("root"), Viewer, false}, {Admin, Role("root"), false},
	}
	for _, c := range cases {
		if got := c.have.Allows(c.need); got != c.ok {
			t.Errorf("%s allows %s = %v, want %v", c.have, c.need, got, c.ok)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	if _, err := ParseRole("root"); err == nil || !strings.Contains(err.Error(), `"root"`) {
		t.Errorf("ParseRole(root) error = %v", err)
	}
}

func TestForAction(t *testing.T) {
	want := map[string]Role{lifecycle.ActionRetry: Operator, lifecycle.ActionSkip: Operator,
		lifecycle.ActionAbort: Operator, lifecycle.ActionFallback: Operator, lifecycle.ActionApprove: Approver,
		lifecycle.ActionReject: Approver}
	for _, a := range lifecycle.Actions {
		if got, err := ForAction(a); err != nil || got != want[a] {
			t.Errorf("ForAction(%s) = %s, %v; want %s", a, got, err, want[a])
		}
	}
	if _, err := ForAction("delete"); err == nil {
		t.Error("ForAction(delete) succeeded")
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"alice", "ops-bot", "a.b_c@example.com", "7"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Alice", "a b", "-x", "settleflow", "scheduler", strings.Repeat("a", 65)} {
		if err := CheckName(bad); err == nil {
			t.Errorf("CheckName(%q) accepted", bad)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, ha, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, hb, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if a == b || SameHash(ha, hb) {
		t.Fatal("two secrets are equal")
	}
	if !WellFormed(a) || !SameHash(Hash(a), ha) {
		t.Errorf("secret %q does not check against its own hash", a)
	}
	for _, bad := range []string{"", "sft_", "sft_short", strings.TrimPrefix(a, "sft_"), a + "x"} {
		if WellFormed(bad) {
			t.Errorf("WellFormed(%q) = true", bad)
		}
	}
}
