package bench

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/settleflow/settleflow/internal/record"
)

// The bench's configuration: one scope with one source per kind asked for,
// all of one partner, settled without an approval gate.
const (
	scopeName = "bench"
	partner   = "bench-partner"
	token     = "bench-token"
)

// kinds are the source kinds the bench can drive: every kind has an
// adapter and a feed of the simulated platform `settleflow simulate`
// serves.
var kinds = record.Kinds

// recordsPerRound is what a simulated game round yields on average: a bet,
// a win for 40% of rounds and a rollback for 2% (internal/sim).
const recordsPerRound = 1.42

// checkKinds refuses an empty list, an unknown kind or one asked twice.
func checkKinds(asked []string) error {
	if len(asked) == 0 {
		return fmt.Errorf("no source kind given (kinds that exist: %s)", strings.Join(kinds, ", "))
	}
	for i, k := range asked {
		if !slices.Contains(kinds, k) {
			return fmt.Errorf("unknown source kind %q (kinds that exist: %s)", k, strings.Join(kinds, ", "))
		}
		if slices.Contains(asked[:i], k) {
			return fmt.Errorf("source kind %q asked twice; the bench runs one source per kind", k)
		}
	}
	return nil
}

// roundsPerSource sizes each source's simulated day so all sources together
// yield about records.
func roundsPerSource(records, sources int) int {
	return max(1, int(math.Ceil(float64(records)/recordsPerRound/float64(sources))))
}

// simulatorSize is the `settleflow simulate` flags that make a kind's feed
// serve about records a day: the aggregator and the wallet (which mirrors
// it) by game rounds; the PSP by deposits (a fifth as many withdrawals,
// and a few payouts); the network by clicks. The rates are a handful a day
// whatever is asked.
func simulatorSize(kind string, records, sources int) []string {
	rounds := roundsPerSource(records, sources)
	perSource := max(1, records/sources)
	switch kind {
	case record.KindProvider, record.KindWallet:
		return []string{"--rounds-per-day", strconv.Itoa(rounds)}
	case record.KindPSP:
		return []string{"--rounds-per-day", "1", "--deposits-per-day", strconv.Itoa(max(1, perSource*5/6)),
			"--withdrawals-per-day", strconv.Itoa(perSource / 6)}
	case record.KindTraffic:
		return []string{"--rounds-per-day", "1", "--clicks-per-day", strconv.Itoa(perSource)}
	}
	return []string{"--rounds-per-day", "1"}
}

// writeConfig writes scopes/bench.yaml and the partner's agreement into
// dir. Each source is named after its kind; its URL comes from the
// environment the worker is started with.
func writeConfig(dir string, sourceKinds []string, pageSize int) error {
	var b strings.Builder
	fmt.Fprintf(&b, `scope: %s
description: settleflow bench, one source per kind
calendar:
  frequency: daily
  timezone: UTC
  cutoff: "00:00"
sources:
`, scopeName)
	for _, k := range sourceKinds {
		fmt.Fprintf(&b, "  - name: %s\n    kind: %s\n    partner: %s\n    token: %s\n", k, k, partner, token)
		if pageSize > 0 {
			fmt.Fprintf(&b, "    page_size: %d\n", pageSize)
		}
	}
	fmt.Fprintf(&b, `agreements: [%s]
approval:
  required: false
  new_agreement_version: false
blocked:
  auto_abort_after: 1h
`, partner)
	agreement := fmt.Sprintf(`partner: %s
name: Bench Partner
kind: provider_fee
versions:
  - version: 1
    effective_from: 2000-01-01
    fee_percent: "12.5"
    rounding: half_even
    negative_ggr: zero
    currencies: [KRW, USD, EUR]
`, partner)
	files := map[string]string{
		filepath.Join("scopes", scopeName+".yaml"):   b.String(),
		filepath.Join("agreements", partner+".yaml"): agreement,
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
