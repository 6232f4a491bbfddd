// settleflow console: live updates only. Every page works without this
// script; it follows running cycles so their pages need no reloading.
"use strict";

// Once a form is submitted the page is on its way to the answer: a live
// reload now would cancel that navigation, and the operator would lose the
// answer to their action (its confirmation or refusal).
let submitting = false;
document.addEventListener("submit", () => {
  submitting = true;
});

// A cycle's page: server-sent progress events; the page is reloaded when
// the cycle's status or completed steps change, to show the new state and
// the actions it allows.
function followCycle(el) {
  const events = new EventSource(el.dataset.src);
  let steps = null;
  events.addEventListener("progress", (ev) => {
    const p = JSON.parse(ev.data);
    for (const span of el.querySelectorAll("[data-field]")) {
      const v = p[span.dataset.field];
      span.textContent = v === undefined || v === "" ? "—" : String(v);
    }
    if (steps === null) {
      steps = p.steps_done;
    }
    if (submitting) {
      events.close();
    } else if (p.status !== el.dataset.status || p.steps_done !== steps) {
      events.close();
      window.location.reload();
    }
  });
}

// The cycle list: poll the running cycles and reload when that set
// changes (a cycle started, blocked, finished).
function followList(el) {
  let seen = null;
  const poll = async () => {
    try {
      const res = await fetch(el.dataset.poll, { credentials: "same-origin" });
      if (!res.ok) return;
      const body = await res.json();
      const ids = body.cycles.map((c) => c.workflow_id).sort().join(" ");
      if (seen !== null && ids !== seen && !submitting) {
        window.location.reload();
        return;
      }
      seen = ids;
    } catch (err) {
      console.warn("polling running cycles failed", err);
    }
  };
  poll();
  window.setInterval(poll, 3000);
}

document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("live");
  if (live && live.dataset.src) followCycle(live);
  const list = document.getElementById("list");
  if (list && list.dataset.poll) followList(list);
});
