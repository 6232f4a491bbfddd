package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

// How often the live stream reads a cycle's progress, and how long one
// stream lasts before the browser's EventSource reconnects by itself.
const (
	liveEvery = time.Second
	liveFor   = 10 * time.Minute
)

type progressJSON struct {
	WorkflowID  string `json:"workflow_id"`
	Status      string `json:"status"`
	Step        string `json:"step,omitempty"`
	StepsDone   int    `json:"steps_done"`
	Steps       int    `json:"steps"`
	Blocked     string `json:"blocked,omitempty"`
	ElapsedMS   int64  `json:"elapsed_ms"`
	Pulled      int    `json:"pulled"`
	Staged      int    `json:"staged"`
	Total       int64  `json:"total"`
	SlicesDone  int    `json:"slices_done"`
	Slices      int    `json:"slices"`
	StepElapsed int64  `json:"step_elapsed_ms"`
}

func progressOf(p platform.Progress) progressJSON {
	return progressJSON{WorkflowID: p.WorkflowID, Status: p.Status, Step: p.Step, StepsDone: p.StepsDone, Steps: p.Steps,
		Blocked: p.Blocked, ElapsedMS: p.Elapsed.Milliseconds(), Pulled: p.Pull.Pulled(), Staged: p.Pull.Staged,
		Total: p.Pull.Total, SlicesDone: p.Pull.SlicesDone, Slices: p.Pull.Slices, StepElapsed: p.StepElapsed.Milliseconds()}
}

// progress is GET /api/v1/cycles/{scope}/{period}/progress: the progress
// the live stream sends, once.
func (s *Server) progress(w http.ResponseWriter, r *http.Request, _ caller) error {
	p, err := platform.CycleProgress(r.Context(), s.o.Temporal, cycleOf(r), "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, progressOf(p))
	return nil
}

// live is GET /api/v1/cycles/{scope}/{period}/live: server-sent events,
// a "progress" event whenever the cycle's progress changes, until the
// cycle ends, the client goes away or liveFor passes.
func (s *Server) live(w http.ResponseWriter, r *http.Request, _ caller) error {
	ctx, wf := r.Context(), cycleOf(r)
	first, err := platform.CycleProgress(ctx, s.o.Temporal, wf, "")
	if err != nil {
		return err // before any byte is sent, so it is still an error answer
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	tick := time.NewTicker(liveEvery)
	defer tick.Stop()
	stop := time.After(liveFor)
	var last []byte
	for p := first; ; {
		data, err := json.Marshal(progressOf(p))
		if err != nil {
			return fmt.Errorf("encode progress of %s: %w", wf, err)
		}
		if !bytes.Equal(data, last) {
			if _, err := fmt.Fprintf(w, "event: progress\ndata: %s\n\n", data); err != nil {
				return nil // the client went away
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
			last = data
		}
		if p.Status == lifecycle.StatusCompleted || p.Status == lifecycle.StatusCompensated {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-stop:
			return nil
		case <-tick.C:
		}
		// A stream outlives its request's authentication: the token is
		// checked again each time, so revoking it ends the stream too.
		if _, err := s.authenticate(r); err != nil {
			return nil
		}
		if p, err = platform.CycleProgress(ctx, s.o.Temporal, wf, ""); err != nil {
			s.log.Debug("live progress ended", "workflow", wf, "error", err)
			return nil
		}
	}
}
