package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// The OpenAPI document is written in parts, one per area of the API
// (openapi/core.json holds the header, security and shared components; other
// files add their "paths" and "components"). They are merged once at start;
// a test fails when a registered route is missing from the result (or it
// lists one that does not exist).
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

var openAPIDoc = mustMergeOpenAPI(openAPIFiles)

func mustMergeOpenAPI(fsys fs.FS) []byte {
	b, err := mergeOpenAPI(fsys)
	if err != nil {
		panic("web: " + err.Error())
	}
	return b
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	// core.json first, then the areas in name order.
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "openapi/core.json") != (names[j] == "openapi/core.json") {
			return names[i] == "openapi/core.json"
		}
		return names[i] < names[j]
	})
	var doc map[string]any
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var part map[string]any
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if name == "openapi/core.json" {
			doc = part
			continue
		}
		if doc == nil {
			return nil, fmt.Errorf("openapi/core.json must come first")
		}
		for key, v := range part {
			if key != "paths" && key != "components" && key != "tags" {
				return nil, fmt.Errorf("%s: only paths, components and tags may be added, not %q", name, key)
			}
			if key == "tags" {
				doc["tags"] = append(asList(doc["tags"]), asList(v)...)
				continue
			}
			if err := mergeInto(doc, key, v, name, 2); err != nil {
				return nil, err
			}
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func asList(v any) []any { l, _ := v.([]any); return l }

// mergeInto adds the map v under dst[key], depth levels deep; an entry that
// exists twice is an error.
func mergeInto(dst map[string]any, key string, v any, file string, depth int) error {
	src, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: %s is not an object", file, key)
	}
	cur, _ := dst[key].(map[string]any)
	if cur == nil {
		cur = map[string]any{}
		dst[key] = cur
	}
	for k, sv := range src {
		if _, exists := cur[k]; exists {
			if depth <= 1 {
				return fmt.Errorf("%s: %s.%s is defined twice", file, key, k)
			}
			if err := mergeInto(cur, k, sv, file, depth-1); err != nil {
				return err
			}
			continue
		}
		cur[k] = sv
	}
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}
