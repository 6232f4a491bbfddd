package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// tooLargeError is a body over the limit. It is ErrPageTooLarge to
// errors.Is, and says how large the body was when the server said.
type tooLargeError struct {
	size  int64 // -1 when the body had no Content-Length
	limit int64
}

func (e *tooLargeError) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("%v (more than %d bytes, limit %d)", ErrPageTooLarge, e.limit, e.limit)
	}
	return fmt.Sprintf("%v (%d bytes, limit %d)", ErrPageTooLarge, e.size, e.limit)
}

func (e *tooLargeError) Is(target error) bool { return target == ErrPageTooLarge }

func isTooLarge(err error) bool { return errors.Is(err, ErrPageTooLarge) }

// readBody reads a 200's body, at most limit bytes. On a read error it
// returns what it read, for the message.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, &tooLargeError{size: resp.ContentLength, limit: limit}
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		// Room for the final zero-byte read too, so the buffer is not
		// regrown (and a megabyte copied) just to see the end.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if int64(buf.Len()) > limit {
		return nil, &tooLargeError{size: -1, limit: limit}
	}
	return buf.Bytes(), err
}

// errorBodyLen is how much of an error answer is read: enough for the
// message and for the connection to be reused after a short one.
const errorBodyLen = 4 << 10

// httpError describes a non-200 answer.
func (t target) httpError(resp *http.Response) *HTTPError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLen))
	return &HTTPError{
		Path:       t.path,
		Cursor:     t.cursor,
		Status:     resp.StatusCode,
		Body:       snippet(bytes.TrimSpace(b)),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}
