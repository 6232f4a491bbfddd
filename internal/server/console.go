package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/settleflow/settleflow/internal/access"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// view is what every console page renders: the caller, the CSRF token its
// forms carry, a message, and the page's own data.
type view struct {
	Title string
	Nav   string // the active navigation item
	Me    access.Identity
	CSRF  string
	Flash string
	Error string
	Data  any
}

// Can says whether the caller's role allows what needs role, so a page
// shows only the buttons its viewer may press (the server checks again).
func (v view) Can(role access.Role) bool { return v.Me.Role.Allows(role) }

// parsePages parses each page with the layout and the shared partials.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error answers
// 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("no such console page", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render console page", "page", page, "path", r.URL.Path, "error", err)
		http.Error(w, "internal error; the server log has the details", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if _, err := buf.WriteTo(w); err != nil {
		s.log.Debug("write console page", "page", page, "error", err) // the client went away
	}
}

// page renders a page for an authenticated caller.
func (s *Server) page(w http.ResponseWriter, r *http.Request, c caller, name string, v view) error {
	return s.pageStatus(w, r, c, http.StatusOK, name, v)
}

// pageStatus renders a page with another status, e.g. a cycle page
// showing why an action was refused.
func (s *Server) pageStatus(w http.ResponseWriter, r *http.Request, c caller, status int, name string, v view) error {
	v.Me, v.CSRF = c.Identity, c.csrf
	if v.Flash == "" {
		v.Flash = r.URL.Query().Get("done")
	}
	s.render(w, r, status, name, v)
	return nil
}

// renderError shows an error page with the error's status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, e *apiError) {
	v := view{Title: http.StatusText(e.Status), Error: e.Message, Data: e}
	// A logged-in caller keeps the navigation; anyone else sees the error
	// alone, so failing to authenticate here is no error of its own.
	if c, err := s.authenticate(r); err == nil {
		v.Me, v.CSRF = c.Identity, c.csrf
	}
	s.render(w, r, e.Status, "error", v)
}

// staticFiles serves the console's stylesheet and script.
func staticFiles() http.Handler {
	return http.FileServerFS(staticFS)
}
