// Package i18n holds Soroe's message catalogs (Japanese, the default, and
// English) and looks messages up with CLDR plural rules (go-i18n).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/soroe/soroe"
)

//go:embed locales/*/*.json
var files embed.FS

// Langs are the catalogs, default first.
var Langs = []string{soroe.LangJA, soroe.LangEN}

// Catalog looks up messages.
type Catalog struct {
	bundle *goi18n.Bundle
	loc    map[string]*goi18n.Localizer
	keys   map[string]map[string]bool
	warned sync.Map
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the catalogs embedded in the binary, loaded once.
func Default() *Catalog {
	defaultOnce.Do(func() { defaultCat, defaultErr = load(files) })
	if defaultErr != nil {
		panic("i18n: " + defaultErr.Error())
	}
	return defaultCat
}

func load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		bundle: goi18n.NewBundle(language.Japanese),
		loc:    map[string]*goi18n.Localizer{},
		keys:   map[string]map[string]bool{},
	}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	// Each language is a folder of catalogs, one per area of the product
	// (core.json, plan.json, …), so that areas are written independently.
	for _, l := range Langs {
		c.keys[l] = map[string]bool{}
		paths, err := fs.Glob(fsys, "locales/"+l+"/*.json")
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("no catalogs for %s", l)
		}
		for _, path := range paths {
			raw, err := readCatalog(fsys, path)
			if err != nil {
				return nil, err
			}
			b, _ := json.Marshal(raw)
			if _, err := c.bundle.ParseMessageFileBytes(b, l+".json"); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			for k := range raw {
				if c.keys[l][k] {
					return nil, fmt.Errorf("%s: key %q is defined in another catalog too", path, k)
				}
				c.keys[l][k] = true
			}
		}
		c.loc[l] = goi18n.NewLocalizer(c.bundle, l)
	}
	return c, nil
}

// readCatalog reads one catalog file: a JSON object of message keys.
func readCatalog(fsys fs.FS, path string) (map[string]any, error) {
	b, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return raw, nil
}

// Lang returns l if a catalog exists for it, else the default language.
func Lang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if soroe.ValidLang(l) {
		return l
	}
	return soroe.DefaultLang
}

// T returns the message key in lang. args are name/value pairs for the
// message's template ({{.Name}}); a pair named "Count" also picks the plural
// form. A missing key renders as the key itself (and is logged once): the
// catalog tests make sure that never ships.
func (c *Catalog) T(lang, key string, args ...any) string {
	lang = Lang(lang)
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name := fmt.Sprint(args[i])
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := c.loc[lang].Localize(cfg)
	if err != nil {
		if _, seen := c.warned.LoadOrStore(lang+"\x00"+key, true); !seen {
			slog.Warn("i18n: missing or broken message", "lang", lang, "key", key, "err", err)
		}
		return key
	}
	return s
}

// Has reports whether lang's catalog holds key.
func (c *Catalog) Has(lang, key string) bool { return c.keys[Lang(lang)][key] }

// Keys returns lang's keys, sorted.
func (c *Catalog) Keys(lang string) []string {
	out := make([]string, 0, len(c.keys[lang]))
	for k := range c.keys[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
