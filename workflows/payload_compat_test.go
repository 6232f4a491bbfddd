package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/converter"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/settle"
)

// TestGoldenSharesDecode: the split results and cycle results recorded in
// the golden histories were encoded from the earlier per-layer share types.
// Replay alone would pass even if their amounts decoded as zero, so decode
// them into today's types and check every share is whole.
func TestGoldenSharesDecode(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cycle-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	dc := converter.GetDefaultDataConverter()
	splits, fees := 0, 0
	for _, f := range files {
		h := readGoldenHistory(t, f)
		activityType := map[int64]string{}
		for _, e := range h.GetEvents() {
			if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
				activityType[e.GetEventId()] = a.GetActivityType().GetName()
			}
			if a := e.GetActivityTaskCompletedEventAttributes(); a != nil && activityType[a.GetScheduledEventId()] == "Split" {
				var res activities.SplitResult
				if err := dc.FromPayloads(a.GetResult(), &res); err != nil {
					t.Fatalf("%s: split result: %v", f, err)
				}
				splits++
				fees += checkShares(t, f, res.Shares)
			}
			if a := e.GetWorkflowExecutionCompletedEventAttributes(); a != nil {
				var res CycleResult
				if err := dc.FromPayloads(a.GetResult(), &res); err != nil {
					t.Fatalf("%s: cycle result: %v", f, err)
				}
				checkShares(t, f, res.Shares)
			}
		}
	}
	if splits == 0 || fees == 0 {
		t.Fatalf("%d split results with %d fees in the golden histories, want some of each", splits, fees)
	}
}

// checkShares reports shares missing a decoded field and counts the
// non-zero fees; a negative GGR legitimately has none.
func checkShares(t *testing.T, file string, shares []settle.Share) (fees int) {
	t.Helper()
	for _, s := range shares {
		if s.Partner == "" || s.Currency == "" || s.GGR == 0 || s.AgreementVersion == 0 ||
			s.PartnerAmount+s.OperatorAmount != s.GGR {
			t.Errorf("%s: share decoded incompletely: %+v", file, s)
		}
		if s.PartnerAmount != 0 {
			fees++
		}
	}
	return fees
}
