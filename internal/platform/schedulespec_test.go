package platform_test

import (
	"testing"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/scope"
)

// A schedule fires once the late-data grace has passed after each
// cut-off, on the next day (or week day) when the grace runs past midnight.
func TestScopeScheduleSpecWaitsForTheGrace(t *testing.T) {
	for _, tc := range []struct{ calendar, grace, want string }{
		{`{frequency: daily, timezone: Asia/Seoul}`, "0s", "every day at 00:00 (Asia/Seoul)"},
		{`{frequency: daily, timezone: Asia/Seoul, cutoff: "06:00"}`, "2h30m", "every day at 08:30 (Asia/Seoul)"},
		{`{frequency: weekly, timezone: UTC, cutoff: "22:00", week_start: sunday}`, "3h", "every Monday at 01:00 (UTC)"},
		{`{frequency: monthly, timezone: UTC}`, "50h", "on day 3 of every month at 02:00 (UTC)"},
	} {
		sc, err := scope.Parse([]byte(`
scope: s
calendar: ` + tc.calendar + `
sources: [{name: a, kind: provider, partner: p}]
agreements: [p]
intake: {late_data_grace: ` + tc.grace + `}
`))
		if err != nil {
			t.Fatal(err)
		}
		spec := platform.ScopeScheduleSpec(sc)
		if got := platform.SpecWords(&spec); got != tc.want {
			t.Errorf("%s + %s: %s, want %s", tc.calendar, tc.grace, got, tc.want)
		}
	}
}
