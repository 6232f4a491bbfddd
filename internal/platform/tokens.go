package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/store"
)

// NewToken is a token just created: Secret is shown once and never stored.
type NewToken struct {
	store.Token
	Secret string
}

// CreateToken creates an API token for name with role; by is who creates it.
func CreateToken(ctx context.Context, st *store.Store, name, role, by string) (NewToken, error) {
	if err := access.CheckName(name); err != nil {
		return NewToken{}, invalid("name", err)
	}
	r, err := access.ParseRole(role)
	if err != nil {
		return NewToken{}, invalid("role", err)
	}
	secret, hash, err := access.NewSecret()
	if err != nil {
		return NewToken{}, err
	}
	t, err := st.InsertToken(ctx, store.Token{ID: uuid.New(), Name: name, Role: string(r), CreatedBy: by}, hash)
	if err != nil {
		return NewToken{}, err
	}
	return NewToken{Token: t, Secret: secret}, nil
}

// ListTokens lists every token, revoked ones too.
func ListTokens(ctx context.Context, st *store.Store) ([]store.Token, error) {
	return st.Tokens(ctx)
}

// RevokeTokens revokes the token with this ID or, given a name, every
// active token of that name. The revoked tokens stop working on their next
// request, their console sessions with them.
func RevokeTokens(ctx context.Context, st *store.Store, idOrName, by string) ([]store.Token, error) {
	var revoked []store.Token
	var err error
	if id, perr := uuid.Parse(idOrName); perr == nil {
		revoked, err = st.RevokeTokens(ctx, &id, "", by)
	} else {
		revoked, err = st.RevokeTokens(ctx, nil, idOrName, by)
	}
	if err != nil {
		return nil, err
	}
	if len(revoked) == 0 {
		return nil, fmt.Errorf("no active token with ID or name %q: %w", idOrName, store.ErrNotFound)
	}
	return revoked, nil
}

// Authenticate returns the identity of an active API token.
func Authenticate(ctx context.Context, st *store.Store, secret string) (access.Identity, error) {
	return identify(ctx, secret, st.ActiveToken)
}

// StartSession exchanges an active API token for a console session of ttl
// and returns the session's secret (the cookie) and identity.
func StartSession(ctx context.Context, st *store.Store, token string, ttl time.Duration) (string, access.Identity, error) {
	id, err := Authenticate(ctx, st, token)
	if err != nil {
		return "", access.Identity{}, err
	}
	secret, hash, err := access.NewSecret()
	if err != nil {
		return "", access.Identity{}, err
	}
	if err := st.CreateSession(ctx, hash, id.TokenID, time.Now().Add(ttl)); err != nil {
		return "", access.Identity{}, err
	}
	return secret, id, nil
}

// SessionIdentity returns who a live console session acts as. It reads the
// token on every call, so a revoked token's session stops at once.
func SessionIdentity(ctx context.Context, st *store.Store, secret string) (access.Identity, error) {
	return identify(ctx, secret, st.SessionToken)
}

// EndSession logs a console session out.
func EndSession(ctx context.Context, st *store.Store, secret string) error {
	return st.DeleteSession(ctx, access.Hash(secret))
}

// identify finds the token a secret (an API token or a session) stands
// for. The database finds the row by the secret's hash; comparing the hash
// again in constant time keeps the decision itself free of timing
// differences.
func identify(ctx context.Context, secret string, find func(context.Context, []byte) (store.Token, []byte, error)) (access.Identity, error) {
	if !access.WellFormed(secret) {
		return access.Identity{}, ErrUnauthenticated
	}
	want := access.Hash(secret)
	t, stored, err := find(ctx, want)
	if errors.Is(err, store.ErrNotFound) {
		return access.Identity{}, ErrUnauthenticated
	}
	if err != nil {
		return access.Identity{}, err
	}
	if !access.SameHash(stored, want) {
		return access.Identity{}, ErrUnauthenticated
	}
	return access.Identity{TokenID: t.ID, Name: t.Name, Role: access.Role(t.Role)}, nil
}
