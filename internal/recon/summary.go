package recon

// Count is what a cycle's reconciliation holds for one pair and type: the
// cycle result, `cycle show` and the console show these. Breaks of one
// source (conflicting duplicates, control totals) have an empty Pair.
// It travels in the workflow's result: fields are only ever added.
type Count struct {
	Pair         string
	Type         string
	Matched      int64 // matched units: record pairs, or groups with their one record
	AutoResolved int64
	Open         int64
	Resolved     int64 // accepted, adjusted or carried by an operator
	// OpenAmount is the valued open breaks' worth in the reporting
	// currency's minor units; OpenUnvalued counts open breaks no rate values.
	OpenAmount   int64
	OpenUnvalued int64
}

// Sum adds counts up.
func Sum(counts []Count) Count {
	var t Count
	for _, c := range counts {
		t.Matched += c.Matched
		t.AutoResolved += c.AutoResolved
		t.Open += c.Open
		t.Resolved += c.Resolved
		t.OpenAmount += c.OpenAmount
		t.OpenUnvalued += c.OpenUnvalued
	}
	return t
}
