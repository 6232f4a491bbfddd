package sim

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// cursor is a position in a request's served list: the day and the position
// within that day's list for the request's range. resend, when not zero,
// asks for the resend records before that position again first (the
// DuplicatePage fault), which keeps the cursor itself moving forward.
type cursor struct {
	day    int64
	pos    int
	resend int
}

// Cursors are opaque to clients; the "d1:" prefix lets us reject garbage.
const cursorPrefix = "d1:"

func encodeCursor(c cursor) string {
	raw := fmt.Sprintf("%s%d:%d:%d", cursorPrefix, c.day, c.pos, c.resend)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor parses a cursor; an empty one is the start of the range,
// which the caller recognises by ok being false.
func decodeCursor(s string) (c cursor, ok bool, err error) {
	if s == "" {
		return cursor{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false, fmt.Errorf("malformed: %w", err)
	}
	raw, found := strings.CutPrefix(string(b), cursorPrefix)
	parts := strings.Split(raw, ":")
	if !found || len(parts) != 3 {
		return cursor{}, false, fmt.Errorf("malformed")
	}
	day, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return cursor{}, false, fmt.Errorf("malformed day: %w", err)
	}
	pos, err1 := strconv.Atoi(parts[1])
	resend, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || pos < 0 || resend < 0 {
		return cursor{}, false, fmt.Errorf("malformed position")
	}
	return cursor{day: day, pos: pos, resend: resend}, true, nil
}
