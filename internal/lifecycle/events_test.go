package lifecycle

import "testing"

func TestActionEventRoundTrip(t *testing.T) {
	for _, a := range Actions {
		if got, ok := ActionOf(ActionEvent(a)); !ok || got != a {
			t.Errorf("ActionOf(ActionEvent(%q)) = %q, %v", a, got, ok)
		}
	}
	for _, kind := range []string{"action.", EventStepStarted, EventCycleBlocked, ""} {
		if a, ok := ActionOf(kind); ok {
			t.Errorf("ActionOf(%q) = %q, want no action", kind, a)
		}
	}
}
