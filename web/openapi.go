package web

import (
	_ "embed"
	"net/http"
)

// openapi.json describes every /api/v1 route; a test fails when a registered
// route is missing from it (or it lists one that does not exist).
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}
