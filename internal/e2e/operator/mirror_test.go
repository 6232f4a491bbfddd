package operator_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// mirrorScope adds a second feed of the same aggregator, "mirror", pulled
// with its own token, and reconciles the two record for record.
func mirrorScope(t *testing.T) string {
	return testenv.DemoScopeYAML(t,
		"  - name: wallet\n", "  - {name: mirror, kind: provider, partner: acme-games, url: \"http://127.0.0.1:8711\", token: mirror-token, page_size: 500}\n  - name: wallet\n",
		"  pairs:                      # the sources matched with each other\n", `  pairs:
    - name: mirror
      left: {source: aggregator, key: external_id}
      right: {source: mirror, key: external_id}
      shape: "1:1"
      types: {bet: bet, win: win, rollback: rollback}
      compare: [amount, currency, type, time]
      tolerance: {absolute: {KRW: 5, USD: 5, EUR: 5}, window: 5m}
      authoritative: left
`)
}

// answerKey is the breaks the mirror's feed was given: kind/key → status;
// moved counts what the edits moved between the mirror's control-total
// groups (day/currency/type → count, amount).
type answerKey struct {
	mu    sync.Mutex
	want  map[string]string
	moved map[string][2]float64
}

func (k *answerKey) add(kind, key, status string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.want[kind+" "+key] = status
}

// move notes a record's weight leaving (sign -1) or joining (+1) a group.
func (k *answerKey) move(tx map[string]any, sign float64) {
	at, _ := time.Parse(time.RFC3339Nano, tx["timestamp"].(string))
	g := at.UTC().Format(time.DateOnly) + "/" + tx["currency"].(string) + "/" + tx["type"].(string)
	k.mu.Lock()
	defer k.mu.Unlock()
	m := k.moved[g]
	k.moved[g] = [2]float64{m[0] + sign, m[1] + sign*tx["amount"].(float64)}
}

// missingRecords adds the groups whose totals the edits changed: the
// mirror's control totals are the untouched feed's, so each disagrees.
func (k *answerKey) missingRecords() {
	for g, m := range k.moved {
		if m != [2]float64{} {
			k.want[recon.MissingRecords+" "+g] = recon.StatusOpen
		}
	}
}

// breakMirror injects one break of every kind a 1:1 pair of one feed
// against a copy of it can show, each into a fixed share of transactions
// chosen by id, and notes it in the answer key. Only wins are broken, and
// times only well inside the period: a broken bet would make validation
// reject the rollback that cancels it, a record moved out of the period
// would be rejected, and a rejected record (with what pairs with it) is
// accounted for by its rejection, not by a break.
func breakMirror(key *answerKey, periodEnd time.Time) func(*feedPage) {
	currencies := map[string]string{"KRW": "USD", "USD": "EUR", "EUR": "KRW"}
	return func(p *feedPage) {
		var out []map[string]any
		for _, tx := range p.Data {
			id := tx["transaction_id"].(string)
			at, _ := time.Parse(time.RFC3339Nano, tx["timestamp"].(string))
			if tx["type"] != "win" || at.Add(time.Hour).After(periodEnd) {
				out = append(out, tx)
				continue
			}
			n := fnvMod(id, 100)
			if n < 8 && n != 6 {
				key.move(tx, -1) // every edit but a second version changes what is staged
			}
			switch n {
			case 0:
				key.add(recon.MissingRight, id, recon.StatusOpen)
				continue
			case 1:
				tx["amount"] = tx["amount"].(float64) + 1000
				key.add(recon.AmountMismatch, id, recon.StatusOpen)
			case 2:
				tx["amount"] = tx["amount"].(float64) + 3
				key.add(recon.AmountMismatch, id, recon.StatusAutoResolved)
			case 3:
				tx["currency"] = currencies[tx["currency"].(string)]
				key.add(recon.CurrencyMismatch, id, recon.StatusOpen)
			case 4:
				tx["type"] = "bet"
				key.add(recon.TypeMismatch, id, recon.StatusOpen)
			case 5:
				tx["timestamp"] = at.Add(10 * time.Minute).Format(time.RFC3339Nano)
				key.add(recon.TimeMismatch, id, recon.StatusOpen)
			case 6:
				other := clone(tx)
				other["amount"] = tx["amount"].(float64) + 7
				out = append(out, tx, other)
				key.add(recon.ConflictingDuplicate, id, recon.StatusOpen)
				continue
			case 7:
				ghost := clone(tx)
				ghost["transaction_id"] = id + "-ghost"
				out = append(out, ghost)
				key.move(tx, 1)
				key.add(recon.MissingLeft, id+"-ghost", recon.StatusOpen)
			}
			if n < 8 && n != 6 {
				key.move(tx, 1)
			}
			out = append(out, tx)
		}
		p.Data = out
	}
}

// A world of one aggregator feed and a mirror of it with every kind of
// break a record-for-record pair can show injected at known rates: the
// cycle's discrepancies equal the answer key exactly — every break found,
// none invented — and every staged record of the pair is matched or in one
// break. The operator then resolves them all through the CSV round trip,
// the adjustments keep the books balanced, and the cycle completes.
func TestReconciliationFindsExactlyTheInjectedBreaks(t *testing.T) {
	t.Parallel()
	key := &answerKey{want: map[string]string{}, moved: map[string][2]float64{}}
	world := sim.DefaultProviderConfig()
	world.RoundsPerDay, world.Players = 4000, 100
	r := server.NewRig(t, testenv.RigOptions{ScopeYAML: mirrorScope(t), Sim: world,
		Feed: rewritePages("mirror-token", "demo-token", breakMirror(key, time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)))})
	s := start(t, r, "2026-11-01", "alice", fast, false)
	waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusAwaitingApproval)

	ctx := context.Background()
	c, list, err := platform.ListDiscrepancies(ctx, r.Store, platform.BreakQuery{Cycle: s.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	key.missingRecords()
	got := map[string]string{}
	perKind := map[string]int{}
	for _, d := range list {
		got[d.Kind+" "+d.Key] = d.Status
		perKind[d.Kind]++
	}
	missed, invented := diffKeys(key.want, got), diffKeys(got, key.want)
	if len(missed) > 0 || len(invented) > 0 {
		t.Errorf("missed %d breaks %v\ninvented %d %v", len(missed), missed, len(invented), invented)
	}
	for k, status := range key.want {
		if got[k] != "" && got[k] != status {
			t.Errorf("%s is %s, want %s", k, got[k], status)
		}
	}
	if len(perKind) != 8 || perKindStatus(list, recon.StatusAutoResolved) == 0 {
		t.Errorf("breaks by kind %v: want every kind the world injects", perKind)
	}
	t.Logf("%d breaks by kind: %v", len(list), perKind)
	for _, p := range r.Catalog.Scopes[testenv.DemoScope].Reconciliation.Pairs {
		testenv.RequireAccounted(t, ctx, r.Store, c.ID, p)
	}

	res := exportEditImport(t, r.Store, s.WorkflowID, "bob", func(kind string) string {
		switch kind {
		case recon.AmountMismatch, recon.MissingRight:
			return recon.ActionAdjust
		case recon.TimeMismatch:
			return recon.ActionCarry
		}
		return recon.ActionAccept
	})
	if res.Resolved != len(list)-perKindStatus(list, recon.StatusAutoResolved) {
		t.Errorf("import %+v for %d breaks", res, len(list))
	}
	act(t, r, s.WorkflowID, lifecycle.ActionApprove, "bob", "every break decided", "")
	if _, err := wait(t, r, s); err != nil {
		t.Fatalf("cycle failed: %v", err)
	}
	testenv.RequireBalanced(t, ctx, r.Store, c.ID, perKindStatus(list, recon.StatusOpen, recon.AmountMismatch)+perKind[recon.MissingRight])
	if kinds := eventKinds(t, r, s.WorkflowID); count(kinds, "discrepancy.resolved:bob") != res.Resolved {
		t.Errorf("%d resolutions in the event log, want %d", count(kinds, "discrepancy.resolved:bob"), res.Resolved)
	}
}

func diffKeys(a, b map[string]string) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// perKindStatus counts breaks in status, of one kind when given.
func perKindStatus(list []store.Discrepancy, status string, kind ...string) int {
	n := 0
	for _, d := range list {
		if d.Status == status && (len(kind) == 0 || d.Kind == kind[0]) {
			n++
		}
	}
	return n
}
