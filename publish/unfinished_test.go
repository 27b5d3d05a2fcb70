package publish_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// A scheduled post that is not finished — stored before the workflow
// refused such posts — is never sent: a placeholder or an unfilled slot in
// its text, or no image for a 型 of format 画像, fails the target with a
// reason that says so, and the network is not called. A finished one goes.
func TestUnfinishedPostIsNotSent(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		g := &soroe.Goal{OrgID: w.org.ID, OwnerID: w.user.ID, Title: "採用", Purpose: soroe.PurposeRecruiting,
			StartOn: "2026-11-01", Deadline: "2027-03-31", KPIs: []*soroe.KPI{{Primary: true, Metric: soroe.MetricLinkClicks, Target: 100}}}
		if err := db.CreateGoal(ctx, g, w.user.ID); err != nil {
			t.Fatal(err)
		}
		tpl := &soroe.Template{OrgID: w.org.ID, GoalID: g.ID, CreatedBy: w.user.ID, TemplateBody: soroe.TemplateBody{
			Name: "施工事例", Structure: "{物件}の施工事例", Format: "image", Networks: []soroe.Network{soroe.NetworkMastodon},
			Frequency: soroe.Frequency{Count: 1, Per: "week"}}}
		if err := db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		fake := w.fakes[soroe.NetworkMastodon]
		for _, c := range []struct {
			name, text string
			tpl        bool
			image      bool
			reason     string // "" when it is sent
		}{
			{name: "placeholder", text: "見学会は【ここに日付】です", reason: "placeholder 【ここに日付】"},
			{name: "unfilled slot", text: "{物件}の施工事例", tpl: true, image: true, reason: "unfilled_slot 物件"},
			{name: "no image", text: "平屋の施工事例", tpl: true, reason: "format_needs_image image"},
			{name: "finished", text: "平屋の施工事例", tpl: true, image: true},
		} {
			tg := w.target(t, soroe.NetworkMastodon, c.text)
			if c.tpl {
				if _, err := db.Writer().ExecContext(ctx, "UPDATE posts SET template_id = $1, template_version = 1 WHERE id = $2", tpl.ID, tg.PostID); err != nil {
					t.Fatal(err)
				}
			}
			if c.image {
				m := &soroe.Media{PostID: tg.PostID, OrgID: w.org.ID, Filename: "a.png", ContentType: "image/png", CreatedBy: w.user.ID}
				if _, err := db.Writer().ExecContext(ctx, `INSERT INTO post_media (post_id, org_id, position, filename, content_type, bytes, sha256, alt, data, created_by, created_at)
					VALUES ($1, $2, 1, $3, $4, 4, 'x', '', $5, $6, $7)`, m.PostID, m.OrgID, m.Filename, m.ContentType, []byte("\x89PNG"), m.CreatedBy, clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			before := fake.Calls()
			if err := w.eng.Attempt(ctx, tg.ID); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got := w.get(t, tg.ID)
			if c.reason == "" {
				if got.State != soroe.TargetSent || fake.Calls() != before+1 {
					t.Errorf("%s: %s after %d calls (%s)", c.name, got.State, fake.Calls()-before, got.LastError)
				}
				continue
			}
			if got.State != soroe.TargetFailed || fake.Calls() != before {
				t.Errorf("%s: %s after %d calls", c.name, got.State, fake.Calls()-before)
			}
			if !strings.HasPrefix(got.LastError, "unfinished:") || !strings.Contains(got.LastError, c.reason) ||
				network.ReasonCode(got.LastError) != network.ReasonUnfinished {
				t.Errorf("%s: reason %q", c.name, got.LastError)
			}
		}
	})
}
