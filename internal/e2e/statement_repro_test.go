package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A statement depends only on its settlement's scope, period, revision and
// data, never on the run: a period compensated after publishing and
// settled again from the same data publishes the same bytes, while one
// changed record changes them. The books verify throughout.
func TestStatementReproducesAcrossRuns(t *testing.T) {
	t.Parallel()
	change := &changeOneBet{}
	e := newEnv(t, envOptions{slices: 1, feed: change.wrap})

	// Closing fails while this trigger stands, after statements are
	// published, so the run blocks, aborts itself and is undone.
	su := testenv.Superuser(t, e.dbURL)
	_, err := su.Pool.Exec(e.ctx, `
		CREATE FUNCTION e2e_refuse_close() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'e2e: closing is refused'; END; $$;
		CREATE TRIGGER e2e_refuse_close BEFORE UPDATE OF summary ON cycles
			FOR EACH ROW WHEN (NEW.summary IS NOT NULL) EXECUTE FUNCTION e2e_refuse_close();`)
	if err != nil {
		t.Fatal(err)
	}
	first := e.compensatedStatement()
	change.on.Store(true)
	changed := e.compensatedStatement()
	change.on.Store(false)
	if _, err := su.Pool.Exec(e.ctx, `DROP TRIGGER e2e_refuse_close ON cycles`); err != nil {
		t.Fatal(err)
	}
	_, res := e.completeCycle(testTuning)
	again := e.statementOf(e.cycleID(res), "published")

	if first.CycleID == again.CycleID || first.ID == again.ID {
		t.Fatalf("the runs share rows: cycle %s / %s, statement %s / %s", first.CycleID, again.CycleID, first.ID, again.ID)
	}
	if again.SHA256 != first.SHA256 || !bytes.Equal(again.JSON, first.JSON) || again.CSV != first.CSV {
		t.Errorf("the same data settled again published another statement:\n%s\n%s\nwant\n%s\n%s",
			again.SHA256, again.JSON, first.SHA256, first.JSON)
	}
	if changed.SHA256 == first.SHA256 {
		t.Errorf("a changed record (%s) left the statement's hash %s unchanged", change.changed(), first.SHA256)
	}
	r, err := e.store.VerifyBooks(e.ctx, nil)
	if err != nil || !r.OK() {
		t.Fatalf("books after three runs: %v %+v", err, r)
	}
}

// compensatedStatement settles the period with closing refused, waits for
// the run to be undone and returns the statement it published, now void.
func (e *env) compensatedStatement() store.Statement {
	e.t.Helper()
	started := e.startCycle(abortTuning())
	if _, err := e.waitCycle(started, true); err == nil {
		e.t.Fatal("a cycle that cannot close completed")
	}
	id, status := e.failedCycle(started)
	if status.Status != lifecycle.StatusCompensated {
		e.t.Fatalf("status %s, want compensated", status.Status)
	}
	return e.statementOf(id, "void")
}

// statementOf is the one statement a cycle published, in the given status.
func (e *env) statementOf(cycleID uuid.UUID, status string) store.Statement {
	e.t.Helper()
	list, err := e.store.Statements(e.ctx, cycleID)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) != 1 || list[0].Status != status {
		e.t.Fatalf("cycle %s has statements %+v, want one %s", cycleID, list, status)
	}
	return list[0]
}

// changeOneBet serves the feed with one bet's stake raised by 100 while on
// is set: the first bet it serves then, the same one on every page and
// retry after.
type changeOneBet struct {
	on atomic.Bool
	mu sync.Mutex
	id string
}

func (c *changeOneBet) changed() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id
}

func (c *changeOneBet) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.on.Load() || r.URL.Path != "/v1/transactions" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = c.rewrite(body)
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// rewrite changes the chosen bet in a page, leaving the page as it was if
// it cannot be read (the adapter then reports what is wrong with it).
func (c *changeOneBet) rewrite(body []byte) []byte {
	var page map[string]json.RawMessage
	var data []map[string]any
	if json.Unmarshal(body, &page) != nil {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(page["data"]))
	dec.UseNumber() // amounts stay exact integers
	if dec.Decode(&data) != nil {
		return body
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tx := range data {
		if c.id == "" && tx["type"] == "bet" {
			c.id, _ = tx["transaction_id"].(string)
		}
		if n, ok := tx["amount"].(json.Number); ok && tx["transaction_id"] == c.id {
			amount, _ := strconv.ParseInt(string(n), 10, 64)
			tx["amount"] = amount + 100
		}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return body
	}
	page["data"] = raw
	out, err := json.Marshal(page)
	if err != nil {
		return body
	}
	return out
}
