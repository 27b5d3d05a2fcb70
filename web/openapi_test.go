package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaDoc is the OpenAPI document, decoded generically.
type oaDoc map[string]any

func loadOpenAPI(t testing.TB) oaDoc {
	t.Helper()
	var d oaDoc
	if err := json.Unmarshal(openAPIDoc, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return d
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

// operations maps "METHOD /path" to the operation object.
func (d oaDoc) operations() map[string]map[string]any {
	out := map[string]map[string]any{}
	for path, item := range obj(d["paths"]) {
		for _, m := range httpMethods {
			if op := obj(obj(item)[m]); op != nil {
				out[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return out
}

// resolve follows a local $ref.
func (d oaDoc) resolve(v map[string]any) map[string]any {
	for i := 0; v != nil && i < 10; i++ {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = map[string]any(d)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = obj(cur)[part]
		}
		v = obj(cur)
	}
	return v
}

// apiRoutes lists the registered API routes as "METHOD /path", without the
// catch-all that answers unknown API paths.
func apiRoutes(s *Server) map[string]Route {
	out := map[string]Route{}
	for _, rt := range s.Routes() {
		if rt.API && rt.Pattern != "/api/v1/" {
			out[rt.Method+" "+rt.Pattern] = rt
		}
	}
	return out
}

// TestOpenAPIRoutes: the document describes exactly the registered API
// routes, each with its action, parameters, security and error responses.
func TestOpenAPIRoutes(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		d := loadOpenAPI(t)
		if v, _ := d["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
			t.Fatalf("openapi = %q, want 3.1.x", v)
		}
		ops := d.operations()
		routes := apiRoutes(e.srv)
		if len(routes) == 0 {
			t.Fatal("no API routes")
		}
		var missing, extra []string
		for k := range routes {
			if ops[k] == nil {
				missing = append(missing, k)
			}
		}
		for k := range ops {
			if _, ok := routes[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			t.Errorf("registered but not in openapi.json: %v", missing)
		}
		if len(extra) > 0 {
			t.Errorf("in openapi.json but not registered: %v", extra)
		}
		if s := obj(obj(obj(d["components"])["securitySchemes"])["bearerAuth"]); s["type"] != "http" || s["scheme"] != "bearer" {
			t.Errorf("bearerAuth scheme = %v", s)
		}

		for k, rt := range routes {
			op := ops[k]
			if op == nil {
				continue
			}
			if op["x-soroe-action"] != string(rt.Action) {
				t.Errorf("%s: x-soroe-action %v, route's action %s", k, op["x-soroe-action"], rt.Action)
			}
			if id, _ := op["operationId"].(string); id == "" {
				t.Errorf("%s: no operationId", k)
			}
			// Path parameters: exactly the wildcards, required, integers.
			var params []string
			plist, _ := op["parameters"].([]any)
			for _, p := range plist {
				p := d.resolve(obj(p))
				if p["in"] == "path" {
					params = append(params, p["name"].(string))
					if p["required"] != true {
						t.Errorf("%s: path parameter %v is not required", k, p["name"])
					}
				}
			}
			if w := wildcards(rt.Pattern); !slices.Equal(params, w) {
				t.Errorf("%s: path parameters %v, wildcards %v", k, params, w)
			}
			res := obj(op["responses"])
			has := func(code int) bool { return res[fmt.Sprint(code)] != nil }
			// Security: public routes need none, every other one a token.
			sec, declared := op["security"]
			if rt.Action == soroe.ActPublic {
				if !declared || len(sec.([]any)) != 0 {
					t.Errorf("%s: a public route must declare security: []", k)
				}
			} else {
				if declared {
					t.Errorf("%s: overrides the document's bearer security", k)
				}
				if !has(401) {
					t.Errorf("%s: no 401 response", k)
				}
			}
			// 403 is documented exactly where the roles table refuses a role.
			restricted := slices.ContainsFunc(soroe.Roles, func(r soroe.Role) bool { return !soroe.Can(r, rt.Action) })
			if soroe.NeedsOrg(rt.Action) && restricted != has(403) {
				t.Errorf("%s: 403 documented = %v, but the table restricts %s = %v", k, has(403), rt.Action, restricted)
			}
			// 404 wherever a path names an object.
			if len(wildcards(rt.Pattern)) > 0 && !has(404) {
				t.Errorf("%s: no 404 response", k)
			}
			// Bodies: JSON, so 400 and 415 can happen.
			rb := obj(op["requestBody"])
			if unsafe(rt.Method) && rt.Method != http.MethodDelete {
				if obj(obj(rb["content"])["application/json"]) == nil {
					t.Errorf("%s: no application/json request body", k)
				}
				if !has(400) || !has(415) {
					t.Errorf("%s: no 400 or 415 response", k)
				}
			} else if rb != nil {
				t.Errorf("%s: a request body on %s", k, rt.Method)
			}
			// Every error response is a problem document.
			for code, r := range res {
				if code[0] != '4' && code[0] != '5' {
					continue
				}
				if obj(obj(d.resolve(obj(r))["content"])["application/problem+json"]) == nil {
					t.Errorf("%s: response %s is not application/problem+json", k, code)
				}
			}
		}

		// Every $ref points somewhere.
		var walk func(v any, at string)
		walk = func(v any, at string) {
			switch x := v.(type) {
			case map[string]any:
				if ref, ok := x["$ref"].(string); ok {
					if !strings.HasPrefix(ref, "#/") || d.resolve(map[string]any{"$ref": ref}) == nil {
						t.Errorf("%s: $ref %q does not resolve", at, ref)
					}
				}
				for k, c := range x {
					walk(c, at+"/"+k)
				}
			case []any:
				for i, c := range x {
					walk(c, fmt.Sprintf("%s/%d", at, i))
				}
			}
		}
		walk(map[string]any(d), "#")
	})
}

// schemaCheck validates v against an OpenAPI schema (the subset the document
// uses: $ref, allOf, type, enum, required, properties, items, date-time). A
// property the schema does not name is an error too: the document must
// describe everything the handlers send.
func (d oaDoc) schemaCheck(s map[string]any, v any, at string) []string {
	s = d.resolve(s)
	if s == nil {
		return []string{at + ": no schema"}
	}
	if all, ok := s["allOf"].([]any); ok {
		merged := map[string]any{"type": "object", "properties": map[string]any{}, "required": []any{}}
		for _, part := range all {
			p := d.resolve(obj(part))
			for k, ps := range obj(p["properties"]) {
				merged["properties"].(map[string]any)[k] = ps
			}
			req, _ := p["required"].([]any)
			merged["required"] = append(merged["required"].([]any), req...)
		}
		s = merged
	}
	var errs []string
	if typ, ok := s["type"]; ok {
		types := []string{}
		switch x := typ.(type) {
		case string:
			types = append(types, x)
		case []any:
			for _, y := range x {
				types = append(types, y.(string))
			}
		}
		if !slices.ContainsFunc(types, func(ty string) bool { return jsonType(v, ty) }) {
			return []string{fmt.Sprintf("%s: %v is not %v", at, v, types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in %v", at, v, enum))
	}
	if s["format"] == "date-time" {
		if str, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, str))
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := x[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %q missing", at, r))
			}
		}
		props := obj(s["properties"])
		for k, pv := range x {
			ps := obj(props[k])
			if ps == nil {
				if props != nil {
					errs = append(errs, fmt.Sprintf("%s: property %q is not documented", at, k))
				}
				continue
			}
			errs = append(errs, d.schemaCheck(ps, pv, at+"."+k)...)
		}
	case []any:
		if items := obj(s["items"]); items != nil {
			for i, it := range x {
				errs = append(errs, d.schemaCheck(items, it, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func jsonType(v any, ty string) bool {
	switch ty {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

// checkResponse validates a real response against the document's operation
// for route.
func (d oaDoc) checkResponse(t *testing.T, route string, r *resp) {
	t.Helper()
	op := d.operations()[route]
	if op == nil {
		t.Fatalf("%s is not documented", route)
	}
	doc := d.resolve(obj(obj(op["responses"])[fmt.Sprint(r.Status)]))
	if doc == nil {
		t.Errorf("%s answered %d, which is not documented: %s", route, r.Status, r)
		return
	}
	content := obj(doc["content"])
	if content == nil {
		if r.Body != "" {
			t.Errorf("%s %d: documented without content, sent %q", route, r.Status, r.Body)
		}
		return
	}
	mt := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0])
	media := obj(content[mt])
	if media == nil {
		t.Errorf("%s %d: Content-Type %q is not documented", route, r.Status, mt)
		return
	}
	var v any
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Errorf("%s %d: %v", route, r.Status, err)
		return
	}
	for _, err := range d.schemaCheck(obj(media["schema"]), v, route) {
		t.Error(err)
	}
}

// TestOpenAPIShapes checks that what the handlers really send matches the
// document: each call's status is documented and its body fits the schema.
func TestOpenAPIShapes(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)

		// GET /api/v1/me: the keys documented as required are there.
		r := e.api(t, "GET", "/api/v1/me", staff, nil)
		want(t, r, http.StatusOK)
		me := r.json(t)
		schemas := obj(obj(d["components"])["schemas"])
		for _, k := range obj(schemas["Me"])["required"].([]any) {
			if _, ok := me[k.(string)]; !ok {
				t.Errorf("GET /api/v1/me has no %q", k)
			}
		}
		for _, k := range obj(schemas["User"])["required"].([]any) {
			if _, ok := obj(me["user"])[k.(string)]; !ok {
				t.Errorf("GET /api/v1/me: user has no %q", k)
			}
		}

		member := fmt.Sprint(f.Member.ID)
		calls := []struct {
			route, method, path, token string
			body                       any
			status                     int
		}{
			{"GET /api/v1/openapi.json", "GET", "/api/v1/openapi.json", "", nil, 200},
			{"GET /api/v1/me", "GET", "/api/v1/me", staff, nil, 200},
			{"GET /api/v1/me", "GET", "/api/v1/me", "", nil, 401},
			{"PATCH /api/v1/me", "PATCH", "/api/v1/me", staff, map[string]any{"name": "Renamed", "lang": "en"}, 200},
			{"PATCH /api/v1/me", "PATCH", "/api/v1/me", staff, `{"nick":"x"}`, 400},
			{"PATCH /api/v1/me", "PATCH", "/api/v1/me", staff, map[string]any{"lang": "de"}, 422},
			{"GET /api/v1/orgs", "GET", "/api/v1/orgs", staff, nil, 200},
			{"POST /api/v1/orgs", "POST", "/api/v1/orgs", staff, map[string]any{"name": "Second"}, 201},
			{"GET /api/v1/org", "GET", "/api/v1/org", staff, nil, 200},
			{"PATCH /api/v1/org", "PATCH", "/api/v1/org", owner, map[string]any{"lang": "en"}, 200},
			{"PATCH /api/v1/org", "PATCH", "/api/v1/org", owner, map[string]any{"time_zone": "Nowhere/Land"}, 422},
			{"PATCH /api/v1/org", "PATCH", "/api/v1/org", staff, map[string]any{"lang": "en"}, 403},
			{"GET /api/v1/members", "GET", "/api/v1/members", staff, nil, 200},
			{"PATCH /api/v1/members/{user}", "PATCH", "/api/v1/members/" + member, owner, map[string]any{"role": "manager"}, 200},
			{"PATCH /api/v1/members/{user}", "PATCH", fmt.Sprint("/api/v1/members/", f.Users[soroe.RoleOwner].ID), owner, map[string]any{"role": "staff"}, 409},
			{"POST /api/v1/invitations", "POST", "/api/v1/invitations", owner, map[string]any{"role": "staff", "email": "someone@example.com"}, 201},
			{"POST /api/v1/invitations", "POST", "/api/v1/invitations", owner, map[string]any{"role": "staff"}, 201},
			{"GET /api/v1/invitations", "GET", "/api/v1/invitations", owner, nil, 200},
			{"GET /api/v1/invitations", "GET", "/api/v1/invitations", staff, nil, 403},
			{"DELETE /api/v1/invitations/{id}", "DELETE", fmt.Sprint("/api/v1/invitations/", f.Inv.ID), owner, nil, 204},
			{"DELETE /api/v1/invitations/{id}", "DELETE", fmt.Sprint("/api/v1/invitations/", f.Inv.ID), owner, nil, 404},
			{"POST /api/v1/tokens", "POST", "/api/v1/tokens", staff, map[string]any{"name": "ci"}, 201},
			{"POST /api/v1/tokens", "POST", "/api/v1/tokens", staff, map[string]any{}, 201},
			{"GET /api/v1/tokens", "GET", "/api/v1/tokens", staff, nil, 200},
			{"DELETE /api/v1/tokens/{id}", "DELETE", fmt.Sprint("/api/v1/tokens/", f.StaffTok.ID), staff, nil, 204},
			{"DELETE /api/v1/tokens/{id}", "DELETE", fmt.Sprint("/api/v1/tokens/", f.StaffTok.ID), staff, nil, 404},
			{"DELETE /api/v1/members/{user}", "DELETE", "/api/v1/members/" + member, owner, nil, 204},
			{"DELETE /api/v1/members/{user}", "DELETE", "/api/v1/members/" + member, owner, nil, 404},
		}
		for _, c := range calls {
			r := e.api(t, c.method, c.path, c.token, c.body)
			if r.Status != c.status {
				t.Errorf("%s %s: %s, want %d", c.method, c.path, r, c.status)
				continue
			}
			d.checkResponse(t, c.route, r)
		}
		r = e.apiRaw(t, "PATCH", "/api/v1/me", staff, strings.NewReader(`{}`), http.Header{"Content-Type": {"text/plain"}})
		want(t, r, http.StatusUnsupportedMediaType)
		d.checkResponse(t, "PATCH /api/v1/me", r)
	})
}

func TestOpenAPIServed(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		r := e.api(t, "GET", "/api/v1/openapi.json", "", nil)
		want(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if !bytes.Equal([]byte(r.Body), openAPIDoc) {
			t.Error("the served document differs from web/openapi.json")
		}
	})
}
