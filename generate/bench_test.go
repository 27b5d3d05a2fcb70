package generate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
)

// BenchmarkBuiltinTemplates: one request for a set of 型, as the goal page
// makes it. Results are recorded in docs/benchmarks.md.
func BenchmarkBuiltinTemplates(b *testing.B) {
	g := generate.NewBuiltin()
	for _, c := range []struct {
		name string
		req  generate.TemplateRequest
	}{
		{"ja-x-8", generate.TemplateRequest{Goal: goalFor(soroe.PurposeRecruiting, "中途採用の応募を月10件に", "社員インタビュー"),
			Profile: profileFor(soroe.LangJA), Network: soroe.NetworkX, Lang: soroe.LangJA}},
		{"en-any-20", generate.TemplateRequest{Goal: goalFor(soroe.PurposeLeadGeneration, "120 guide downloads", "webinars"),
			Profile: profileFor(soroe.LangEN), Lang: soroe.LangEN, Count: generate.MaxCount}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				c.req.Seed = int64(i)
				if _, _, err := g.Templates(ctx, c.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuiltinDraft: one draft from a 型 — with filled slots, from 20
// retrieved passages, and with values too long for X that must be cut.
func BenchmarkBuiltinDraft(b *testing.B) {
	g := generate.NewBuiltin()
	b2 := dayInLife
	b2.Structure = "{研修名}の様子をお届けします。\n{研修で身につくこと}\n{社員名}さんが感じた{研修のよいところ}"
	var many []soroe.Passage
	for i := range 20 {
		many = append(many, soroe.Passage{ID: int64(i + 1), MaterialID: 1, Title: "採用パンフレット", Locator: fmt.Sprintf("p.%d", i+1),
			Text: strings.Repeat(fmt.Sprintf("第%d章では現場の段取りと安全を学びます。先輩がマンツーマンで教えます。", i), 4)})
	}
	long := strings.Repeat("現場で図面を確認し、職人さんと段取りを相談します。", 8)
	for _, c := range []struct {
		name string
		req  generate.DraftRequest
	}{
		{"slots", generate.DraftRequest{Template: tmpl(dayInLife), Slots: map[string]string{"社員名": "山田", "時間帯": "朝", "仕事内容": "段取り", "本人のひとこと": "楽しい"}}},
		{"material-20", generate.DraftRequest{Template: tmpl(b2), Topic: "新人研修", Passages: many, Network: soroe.NetworkInstagram}},
		{"trim-x", generate.DraftRequest{Template: tmpl(dayInLife), Slots: map[string]string{"仕事内容": long}, Network: soroe.NetworkX}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, _, err := g.Draft(ctx, c.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
