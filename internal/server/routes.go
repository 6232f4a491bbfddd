package server

import (
	"net/http"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

// apiRoutes are the JSON API's endpoints with the role each needs. A new
// resource adds its lines here and its handlers in a file of its own, as
// discrepancies did (api_discrepancies.go).
func (s *Server) apiRoutes() []route {
	const c = "/api/v1/cycles/{scope}/{period}"
	rs := []route{
		{method: http.MethodGet, pattern: "/api/v1/whoami", role: access.Viewer, h: s.whoami},
		{method: http.MethodGet, pattern: "/api/v1/cycles", role: access.Viewer, h: s.listCycles},
		{method: http.MethodPost, pattern: "/api/v1/cycles", role: access.Operator, h: s.startCycle},
		{method: http.MethodGet, pattern: c, role: access.Viewer, h: s.showCycle},
		{method: http.MethodGet, pattern: c + "/steps", role: access.Viewer, h: s.cycleSteps},
		{method: http.MethodGet, pattern: c + "/events", role: access.Viewer, h: s.cycleEvents},
		{method: http.MethodGet, pattern: c + "/progress", role: access.Viewer, h: s.progress},
		{method: http.MethodGet, pattern: c + "/live", role: access.Viewer, h: s.live},

		{method: http.MethodGet, pattern: c + "/discrepancies", role: access.Viewer, h: s.listDiscrepancies},
		{method: http.MethodGet, pattern: c + "/discrepancies.csv", role: access.Viewer, h: s.discrepanciesCSV},
		{method: http.MethodGet, pattern: "/api/v1/discrepancies/{id}", role: access.Viewer, h: s.showDiscrepancy},
		{method: http.MethodPost, pattern: "/api/v1/discrepancies/{id}/resolve", role: access.ResolverRole, h: s.resolveDiscrepancy},
		{method: http.MethodPost, pattern: "/api/v1/discrepancies/import", role: access.ResolverRole, h: s.importDiscrepancies},

		{method: http.MethodGet, pattern: "/api/v1/quarantine", role: access.Viewer, h: s.listQuarantine},
		{method: http.MethodGet, pattern: "/api/v1/quarantine.csv", role: access.Viewer, h: s.quarantineCSV},
		{method: http.MethodGet, pattern: "/api/v1/quarantine/record", role: access.Viewer, h: s.quarantinedRecord},

		{method: http.MethodGet, pattern: "/api/v1/statements", role: access.Viewer, h: s.listStatements},
		{method: http.MethodGet, pattern: "/api/v1/statements/{id}", role: access.Viewer, h: s.showStatement},
		{method: http.MethodGet, pattern: "/api/v1/statements/{id}/json", role: access.Viewer, h: s.downloadStatement("json")},
		{method: http.MethodGet, pattern: "/api/v1/statements/{id}/csv", role: access.Viewer, h: s.downloadStatement("csv")},
		{method: http.MethodGet, pattern: "/api/v1/statements/{id}/verify", role: access.Viewer, h: s.verifyStatement},
		{method: http.MethodPost, pattern: "/api/v1/statements/{id}/verify", role: access.Viewer, h: s.verifyFiles},

		{method: http.MethodGet, pattern: "/api/v1/schedules", role: access.Viewer, h: s.listSchedules},
		{method: http.MethodGet, pattern: "/api/v1/schedules/{scope}", role: access.Viewer, h: s.describeSchedule},
		{method: http.MethodPost, pattern: "/api/v1/schedules/{scope}", role: access.Admin, h: s.changeSchedule("create")},
		{method: http.MethodDelete, pattern: "/api/v1/schedules/{scope}", role: access.Admin, h: s.changeSchedule("delete")},

		{method: http.MethodGet, pattern: "/api/v1/figures", role: access.Viewer, h: s.figures},

		{method: http.MethodGet, pattern: "/api/v1/tokens", role: access.Admin, h: s.listTokens},
		{method: http.MethodPost, pattern: "/api/v1/tokens", role: access.Admin, h: s.createToken},
		{method: http.MethodDelete, pattern: "/api/v1/tokens/{id}", role: access.Admin, h: s.revokeToken},
	}
	for _, op := range []string{"pause", "unpause", "trigger", "backfill"} {
		rs = append(rs, route{method: http.MethodPost, pattern: "/api/v1/schedules/{scope}/" + op, role: access.Admin,
			h: s.changeSchedule(op)})
	}
	for _, action := range lifecycle.Actions {
		role, _ := access.ForAction(action) // every lifecycle action has a role
		rs = append(rs, route{method: http.MethodPost, pattern: c + "/" + action, role: role, h: s.actOn(action)})
	}
	return rs
}

// consoleRoutes are the console's pages and forms.
func (s *Server) consoleRoutes() []route {
	const c = "/cycles/{scope}/{period}"
	rs := []route{
		{method: http.MethodGet, pattern: "/{$}", role: access.Viewer, h: redirectTo("/cycles")},
		{method: http.MethodGet, pattern: "/cycles", role: access.Viewer, h: s.cyclesPage},
		{method: http.MethodPost, pattern: "/cycles", role: access.Operator, h: s.startForm},
		{method: http.MethodGet, pattern: c, role: access.Viewer, h: s.cyclePage},
		{method: http.MethodGet, pattern: c + "/discrepancies", role: access.Viewer, h: s.discrepanciesPage},
		{method: http.MethodPost, pattern: c + "/discrepancies/{id}/resolve", role: access.ResolverRole, h: s.resolveForm},
		{method: http.MethodPost, pattern: c + "/discrepancies/import", role: access.ResolverRole, h: s.importForm},
		{method: http.MethodGet, pattern: "/quarantine", role: access.Viewer, h: s.quarantinePage},
		{method: http.MethodGet, pattern: "/quarantine/record", role: access.Viewer, h: s.recordPage},
		{method: http.MethodGet, pattern: "/statements", role: access.Viewer, h: s.statementsPage},
		{method: http.MethodGet, pattern: "/statements/{id}", role: access.Viewer, h: s.statementPage},
		{method: http.MethodPost, pattern: "/statements/{id}/verify", role: access.Viewer, h: s.verifyForm},
		{method: http.MethodGet, pattern: "/charts", role: access.Viewer, h: s.chartsPage},
		{method: http.MethodGet, pattern: "/schedules", role: access.Viewer, h: s.schedulesPage},
		{method: http.MethodPost, pattern: "/logout", role: access.Viewer, h: s.logout},
	}
	for _, action := range lifecycle.Actions {
		role, _ := access.ForAction(action)
		rs = append(rs, route{method: http.MethodPost, pattern: c + "/" + action, role: role, h: s.actionForm(action)})
	}
	for i := range rs {
		rs[i].page = true
	}
	return rs
}

func redirectTo(path string) handler {
	return func(w http.ResponseWriter, r *http.Request, _ caller) error {
		http.Redirect(w, r, path, http.StatusSeeOther)
		return nil
	}
}
