package platform

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/store"
)

// StatementCheck is the outcome of verifying a statement.
type StatementCheck struct {
	StatementID uuid.UUID
	Partner     string
	Status      string // published, void or superseded
	// Published is the hash recorded when the statement was published;
	// Recomputed is the hash of the content checked.
	Published  string
	Recomputed string
	// Intact is set when the two hashes agree.
	Intact bool
}

// ParseStatementID reads a statement ID as a person or URL gives it.
func ParseStatementID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, invalid("statement", fmt.Errorf("%q is not a statement ID (a UUID)", s))
	}
	return id, nil
}

// VerifyStatement recomputes the content hash of a stored statement and
// compares it with the hash recorded at publication: a statement whose
// stored bytes changed fails.
func VerifyStatement(ctx context.Context, st *store.Store, id uuid.UUID) (StatementCheck, error) {
	s, err := st.Statement(ctx, id)
	if err != nil {
		return StatementCheck{}, err
	}
	return check(s, []byte(s.JSON), s.CSV), nil
}

// VerifyStatementFiles checks that the JSON and CSV a partner received are
// exactly what settleflow published as the statement.
func VerifyStatementFiles(ctx context.Context, st *store.Store, id uuid.UUID, json []byte, csv string) (StatementCheck, error) {
	s, err := st.Statement(ctx, id)
	if err != nil {
		return StatementCheck{}, err
	}
	return check(s, json, csv), nil
}

func check(s store.Statement, json []byte, csv string) StatementCheck {
	sum := statement.Hash(json, csv)
	return StatementCheck{StatementID: s.ID, Partner: s.Partner, Status: s.Status,
		Published: s.SHA256, Recomputed: sum, Intact: sum == s.SHA256}
}
