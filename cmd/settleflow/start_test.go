package main

import (
	"strings"
	"testing"
	"time"
)

// A period that has not ended is refused before anything connects (the
// Temporal address here answers nothing), naming when it may be settled;
// --force needs a reason, and with one the start goes ahead to connect.
func TestCycleStartRefusesAPeriodNotOver(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul") // the demo scope's time zone
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(seoul).Format(time.DateOnly) // its gaming day under way
	for _, period := range []string{"2099-01-01", today} {
		_, err := runCLI(t, "cycle", "start", "--scope", "demo-casino", "--period", period, "--temporal-address", "127.0.0.1:1")
		if err == nil || !strings.Contains(err.Error(), "has not ended") || !strings.Contains(err.Error(), "--force") {
			t.Errorf("period %s: %v", period, err)
		}
	}
	_, err = runCLI(t, "cycle", "start", "--scope", "demo-casino", "--period", "2099-01-01", "--force", "--temporal-address", "127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "--force and --reason go together") {
		t.Errorf("--force without a reason: %v", err)
	}
	_, err = runCLI(t, "cycle", "start", "--scope", "demo-casino", "--period", "2099-01-01", "--force",
		"--reason", "partner confirmed the day is complete", "--temporal-address", "127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "temporal at 127.0.0.1:1") {
		t.Errorf("a forced start should get as far as connecting: %v", err)
	}
}
