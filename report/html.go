package report

import (
	"bytes"
	"encoding/json"
	"html/template"
	"time"

	"github.com/soroe/soroe"
)

// htmlPage is a report as one self-contained HTML document (inline style,
// SVG charts, no scripts): the CLI's html format and the e-mail's body.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"chart": func(c *Chart) template.HTML { return template.HTML(c.SVG()) }, //nolint:gosec // the chart escapes its text
	"local": func(t time.Time, zone string) string {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			loc = time.UTC
		}
		return t.In(loc).Format("2006-01-02 15:04")
	},
}).Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"Hiragino Sans","Yu Gothic","Meiryo","IPAGothic",sans-serif;color:#222;max-width:60rem;margin:1.5rem auto;padding:0 1rem;line-height:1.6}
h1{font-size:1.5rem;margin:0} h2{font-size:1.15rem;border-left:4px solid #0072B2;padding-left:.5rem;margin:2rem 0 .5rem}
.muted{color:#666} table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0} th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#E6F0F5} td.num{text-align:right;white-space:nowrap} dt{font-weight:bold;color:#0072B2} dd{margin:0 0 .75rem;white-space:pre-line} svg{max-width:100%;height:auto}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="muted">{{.Org}} · {{.PeriodText}} · {{.Labels.Generated}} {{local .GeneratedAt .TimeZone}} ({{.TimeZone}})</p>
<h2>{{.Labels.Summary}}</h2>
<dl><dt>{{.Labels.Keep}}</dt><dd>{{or .Summary.Keep "—"}}</dd><dt>{{.Labels.Problem}}</dt><dd>{{or .Summary.Problem "—"}}</dd><dt>{{.Labels.Try}}</dt><dd>{{or .Summary.Try "—"}}</dd></dl>
{{range .Sections}}<section>
<h2>{{.Title}}</h2>
{{with .Lead}}<p class="muted">{{.}}</p>{{end}}
{{with .Items}}<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Chart}}<figure>{{chart .}}</figure>{{end}}
{{range .Tables}}<table><caption>{{.Name}}</caption><thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td{{if .N}} class="num"{{end}}>{{.Display}}</td>{{end}}</tr>{{end}}</tbody></table>{{end}}
</section>{{end}}
</body></html>
`))

// HTML writes the report as one self-contained page.
func (r *Report) HTML() ([]byte, error) {
	var b bytes.Buffer
	if err := htmlPage.Execute(&b, r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// File writes the report in a format: html, pdf, pptx, xlsx, csv or json.
func (r *Report) File(format string) ([]byte, error) {
	switch format {
	case "html":
		return r.HTML()
	case "pdf":
		return r.PDF()
	case "pptx":
		return r.PPTX()
	case "xlsx":
		return r.XLSX()
	case "csv":
		return r.CSV()
	case "json":
		return json.Marshal(r)
	}
	return nil, soroe.Invalid("format", "unknown_format")
}
