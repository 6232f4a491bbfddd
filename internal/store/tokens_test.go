package store_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// A token is found by its hash until it is revoked; its sessions live
// until they expire or the token is revoked; revoking by name takes every
// token of the name.
func TestTokensAndSessions(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	a1, err := st.InsertToken(ctx, store.Token{ID: uuid.New(), Name: "alice", Role: "approver", CreatedBy: "root"}, hashOf("a1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.InsertToken(ctx, store.Token{ID: uuid.New(), Name: "alice", Role: "viewer"}, hashOf("a2")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InsertToken(ctx, store.Token{ID: uuid.New(), Name: "root", Role: "superuser"}, hashOf("r")); err == nil {
		t.Error("a token of an unknown role was stored")
	}
	got, stored, err := st.ActiveToken(ctx, hashOf("a1"))
	if err != nil || got.ID != a1.ID || got.Role != "approver" || !bytes.Equal(stored, hashOf("a1")) {
		t.Fatalf("ActiveToken = %+v, %v", got, err)
	}

	if err := st.CreateSession(ctx, hashOf("s-live"), a1.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, hashOf("s-old"), a1.ID, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if tok, _, err := st.SessionToken(ctx, hashOf("s-live")); err != nil || tok.ID != a1.ID {
		t.Errorf("live session: %+v, %v", tok, err)
	}
	if _, _, err := st.SessionToken(ctx, hashOf("s-old")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}

	revoked, err := st.RevokeTokens(ctx, nil, "alice", "root")
	if err != nil || len(revoked) != 2 || revoked[0].RevokedAt == nil || revoked[0].RevokedBy != "root" {
		t.Fatalf("revoke by name: %+v, %v", revoked, err)
	}
	if _, _, err := st.ActiveToken(ctx, hashOf("a1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token still active: %v", err)
	}
	if _, _, err := st.SessionToken(ctx, hashOf("s-live")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of a revoked token still live: %v", err)
	}
	if again, err := st.RevokeTokens(ctx, &a1.ID, "", "root"); err != nil || len(again) != 0 {
		t.Errorf("revoking again: %+v, %v", again, err)
	}
}

// The log of API calls is append-only.
func TestAPICallsAreAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	tok, err := st.InsertToken(ctx, store.Token{ID: uuid.New(), Name: "oscar", Role: "operator"}, hashOf("o"))
	if err != nil {
		t.Fatal(err)
	}
	call := store.APICall{Actor: "oscar", TokenID: tok.ID, Role: "operator", Method: "POST", Path: "/api/v1/cycles", Status: 201}
	if err := st.RecordAPICall(ctx, call); err != nil {
		t.Fatal(err)
	}
	calls, err := st.APICalls(ctx, 10)
	if err != nil || len(calls) != 1 || calls[0].Actor != "oscar" || calls[0].Status != 201 {
		t.Fatalf("calls = %+v, %v", calls, err)
	}
	// Refused by the trigger, or before it by privileges where the
	// application connects as its own role.
	for _, stmt := range []string{`UPDATE api_calls SET actor = 'mallory'`, `DELETE FROM api_calls`, `TRUNCATE api_calls`} {
		_, err := st.Pool.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || !(strings.Contains(pgErr.Message, "append-only") || pgErr.Code == "42501") {
			t.Errorf("%s: %v, want it refused", stmt, err)
		}
	}
}
