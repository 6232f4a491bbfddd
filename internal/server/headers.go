package server

import "net/http"

// contentSecurityPolicy allows scripts, styles and everything else only
// from this origin: no inline script or style anywhere, no framing, forms
// posting only here. Charts are SVG with presentation attributes, which
// CSP does not govern.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets what every response carries.
func securityHeaders(h http.Header, tls bool) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin rather than no-referrer: under no-referrer browsers send
	// "Origin: null" on the console's own form posts, which the CSRF
	// origin check must refuse.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	// Pages and answers hold settlement data for one identity: no cache
	// may keep them.
	h.Set("Cache-Control", "no-store")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
