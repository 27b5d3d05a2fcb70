package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/soroe/soroe"
)

// materialJSON is a material as the API shows it: a failed one carries its
// reason and what to do about it in words (English, as problem details are)
// beside the stable key in "error".
type materialJSON struct {
	*soroe.Material
	ErrorMessage string `json:"error_message,omitempty"`
	ErrorHint    string `json:"error_hint,omitempty"`
}

func (s *Server) materialJSON(m *soroe.Material) materialJSON {
	out := materialJSON{Material: m}
	if m.Status == soroe.MaterialFailed {
		out.ErrorMessage = s.cat.T("en", materialErrorKey(m))
		out.ErrorHint = s.cat.T("en", materialFixKey(m))
	}
	return out
}

func (s *Server) apiMaterials(w http.ResponseWriter, r *http.Request) {
	ms, err := s.db.Materials(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]materialJSON, len(ms))
	for i, m := range ms {
		out[i] = s.materialJSON(m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"materials": out})
}

// tooLargeProblem answers an upload over material.MaxUpload.
func (s *Server) tooLargeProblem(w http.ResponseWriter, r *http.Request) {
	s.problem(w, r, http.StatusRequestEntityTooLarge, "too_large", s.cat.T("en", "error.material_too_large"), "file")
}

// apiCreateMaterial adds a material from an uploaded file (multipart/form-
// data with "file" and an optional "title") or from a web page
// (application/json {"url", "title"}), and answers 202 with the material:
// processing goes on in the background (or is done already when the server
// runs without a job queue).
func (s *Server) apiCreateMaterial(w http.ResponseWriter, r *http.Request) {
	var (
		m    *soroe.Material
		data []byte
		err  error
	)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			if tooLarge(err) {
				s.tooLargeProblem(w, r)
				return
			}
			s.problem(w, r, http.StatusBadRequest, "bad_multipart", "The multipart/form-data body cannot be read: "+err.Error(), "")
			return
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		up, uerr := readUpload(r)
		if uerr != nil {
			err = uerr
		} else {
			m, data = &soroe.Material{Title: titleOr(r.PostFormValue("title"), up.Title), Kind: up.Kind}, up.Data
		}
	} else {
		var in struct {
			URL   string `json:"url"`
			Title string `json:"title"`
		}
		if !s.decode(w, r, &in) {
			return
		}
		m, data, err = s.fetchPage(r.Context(), in.URL, in.Title)
	}
	if err == nil {
		m, err = s.addMaterial(r, m, data)
	}
	if err != nil {
		if tooLarge(err) {
			s.tooLargeProblem(w, r)
			return
		}
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/materials/"+strconv.FormatInt(m.ID, 10))
	writeJSON(w, http.StatusAccepted, s.materialJSON(m))
}

func (s *Server) apiMaterial(w http.ResponseWriter, r *http.Request) {
	m, err := s.pathMaterial(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.materialJSON(m))
}

func (s *Server) apiDeleteMaterial(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "material")
	if err == nil {
		err = s.db.DeleteMaterial(r.Context(), who(r).Org.ID, id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMaterialPassages(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "material")
	var ps []soroe.Passage
	if err == nil {
		ps, err = s.db.PassagesOf(r.Context(), who(r).Org.ID, id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"passages": nonNil(ps)})
}

func (s *Server) apiSearchMaterials(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k := searchDefaultK
	if raw := strings.TrimSpace(q.Get("k")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > searchMaxK {
			s.apiError(w, r, soroe.Invalid("k", "material_k_invalid"))
			return
		}
		k = n
	}
	ps, err := s.searchMaterials(r, q.Get("q"), k)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"query": strings.TrimSpace(q.Get("q")), "passages": nonNil(ps)})
}
