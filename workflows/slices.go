package workflows

import (
	"time"

	"github.com/settleflow/settleflow/activities"
)

// sliceBounds cuts [start, end) into n contiguous slices of near equal
// length and returns the i-th; together they cover the period exactly.
func sliceBounds(start, end time.Time, i, n int) (time.Time, time.Time) {
	d := end.Sub(start)
	at := func(k int) time.Time {
		if k == n {
			return end
		}
		return start.Add(time.Duration(int64(d) / int64(n) * int64(k)))
	}
	return at(i), at(i + 1)
}

// addSlice sums a finished slice into the pull's view.
func addSlice(sum, s activities.SliceProgress) activities.SliceProgress {
	sum.Pages += s.Pages
	sum.Received += s.Received
	sum.Rejects += s.Rejects
	sum.Bytes += s.Bytes
	if s.Total >= 0 {
		sum.Total = max(sum.Total, 0) + s.Total
	}
	return sum
}
