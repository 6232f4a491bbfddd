package server

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

type tokenJSON struct {
	ID        uuid.UUID  `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
	// Token is the secret, in the answer to its creation only.
	Token string `json:"token,omitempty"`
}

func tokenOf(t store.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Role: t.Role, CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy,
		RevokedAt: t.RevokedAt, RevokedBy: t.RevokedBy}
}

// whoami is GET /api/v1/whoami: the caller's identity and role.
func (s *Server) whoami(w http.ResponseWriter, _ *http.Request, c caller) error {
	writeJSON(w, http.StatusOK, map[string]any{"name": c.Name, "role": c.Role, "token_id": c.TokenID})
	return nil
}

// listTokens is GET /api/v1/tokens (admin).
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, _ caller) error {
	list, err := platform.ListTokens(r.Context(), s.o.Store)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, 0, len(list))
	for _, t := range list {
		out = append(out, tokenOf(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

// createToken is POST /api/v1/tokens {name, role} (admin); the answer
// holds the token, shown this once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, c caller) error {
	var req struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	t, err := platform.CreateToken(r.Context(), s.o.Store, req.Name, req.Role, c.Name)
	if err != nil {
		return err
	}
	out := tokenOf(t.Token)
	out.Token = t.Secret
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// revokeToken is DELETE /api/v1/tokens/{id} (admin): the ID of one token,
// or a name to revoke all of that name's tokens.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, c caller) error {
	revoked, err := platform.RevokeTokens(r.Context(), s.o.Store, r.PathValue("id"), c.Name)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, 0, len(revoked))
	for _, t := range revoked {
		out = append(out, tokenOf(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": out})
	return nil
}
