package e2e

import (
	"testing"

	"github.com/settleflow/settleflow/internal/testenv"
)

// temporal is the dev server every test of the package shares; each test
// registers a namespace of its own on it (see newEnv).
var temporal *testenv.Temporal

func TestMain(m *testing.M) { testenv.Main(m, &temporal) }
