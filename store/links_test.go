package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestLinksClicksConversions(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		s, err := db.LinkSettings(ctx, f.org.ID)
		if err != nil || !s.Track || s.WindowDays != 30 || s.SiteKey == "" {
			t.Fatalf("default settings %+v, %v", s, err)
		}
		if got, err := db.LinkSettingsBySiteKey(ctx, s.SiteKey); err != nil || got.OrgID != f.org.ID {
			t.Fatalf("by site key: %+v, %v", got, err)
		}
		if on, err := db.PostTracking(ctx, f.org.ID, f.post.ID); err != nil || !on {
			t.Fatalf("default tracking %v %v", on, err)
		}
		if err := db.SetPostTracking(ctx, f.org.ID, f.post.ID, false); err != nil {
			t.Fatal(err)
		}
		if on, _ := db.PostTracking(ctx, f.org.ID, f.post.ID); on {
			t.Fatal("post's own choice ignored")
		}

		var links []*soroe.Link
		for _, tg := range f.targets {
			l, err := db.EnsureLink(ctx, &soroe.Link{OrgID: f.org.ID, PostID: f.post.ID, TargetID: tg.ID, Network: tg.Network, Destination: "https://example.jp/?utm_source=" + string(tg.Network)})
			if err != nil {
				t.Fatal(err)
			}
			again, err := db.EnsureLink(ctx, &soroe.Link{OrgID: f.org.ID, PostID: f.post.ID, TargetID: tg.ID, Network: tg.Network, Destination: "https://other.example/"})
			if err != nil || again.Code != l.Code || again.Destination != l.Destination {
				t.Fatalf("retry got another link: %+v vs %+v (%v)", again, l, err)
			}
			if len(l.Code) != soroe.LinkCodeLen || !soroe.ValidLinkCode(l.Code) {
				t.Fatalf("code %q", l.Code)
			}
			links = append(links, l)
		}
		if links[0].Code == links[1].Code {
			t.Fatal("targets share a code")
		}
		if got, err := db.LinkByCode(ctx, links[1].Code); err != nil || got.TargetID != f.targets[1].ID {
			t.Fatalf("by code %+v %v", got, err)
		}
		if _, err := db.LinkByCode(ctx, "nope0000"); err != soroe.ErrNotFound {
			t.Fatalf("unknown code: %v", err)
		}

		// Clicks: 23:30 UTC is the next morning in Tokyo.
		day := time.Date(2026, 5, 1, 23, 30, 0, 0, time.UTC)
		clock.Add(day.Add(48 * time.Hour).Sub(clock.Now()))
		err = db.RecordClicks(ctx, []soroe.Click{
			{LinkID: links[0].ID, OrgID: f.org.ID, At: day, ReferrerHost: "t.co", UAClass: soroe.UAMobile},
			{LinkID: links[0].ID, OrgID: f.org.ID, At: day.Add(time.Hour)},
			{LinkID: links[1].ID, OrgID: f.org.ID, At: day.Add(-2 * time.Hour)},
			{LinkID: links[1].ID + 1000, OrgID: f.org.ID, At: day}, // a deleted link: dropped
		})
		if err != nil {
			t.Fatal(err)
		}
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		from, to := day.Add(-72*time.Hour), day.Add(72*time.Hour)
		got, err := db.ClicksByDay(ctx, f.org.ID, from, to, tokyo, store.LinkFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []store.DayCount{{Day: "2026-05-02", Count: 3}}
		if !equalDays(got, want) {
			t.Fatalf("clicks in Tokyo %+v", got)
		}
		got, _ = db.ClicksByDay(ctx, f.org.ID, from, to, time.UTC, store.LinkFilter{})
		if !equalDays(got, []store.DayCount{{Day: "2026-05-01", Count: 2}, {Day: "2026-05-02", Count: 1}}) {
			t.Fatalf("clicks in UTC %+v", got)
		}
		got, _ = db.ClicksByDay(ctx, f.org.ID, from, to, tokyo, store.LinkFilter{Network: links[1].Network})
		if !equalDays(got, []store.DayCount{{Day: "2026-05-02", Count: 1}}) {
			t.Fatalf("clicks of one network %+v", got)
		}

		// Conversions: by code within the window, idempotent, by UTM, outside
		// the window, and with nothing.
		v := 5000.0
		c := &soroe.Conversion{OrgID: f.org.ID, Event: "Download", Value: &v, Source: soroe.ConversionAPI, Code: links[0].Code, IdempotencyKey: "k1", At: day.Add(2 * time.Hour)}
		if created, err := db.RecordConversion(ctx, c); err != nil || !created {
			t.Fatalf("record: %v %v", created, err)
		}
		if c.PostID == nil || *c.PostID != f.post.ID || c.LinkID == nil || *c.LinkID != links[0].ID || c.Event != "download" {
			t.Fatalf("not attributed: %+v", c)
		}
		dup := &soroe.Conversion{OrgID: f.org.ID, Event: "download", Source: soroe.ConversionAPI, IdempotencyKey: "k1"}
		if created, err := db.RecordConversion(ctx, dup); err != nil || created || dup.ID != c.ID {
			t.Fatalf("repeated key: %v %v %+v", created, err, dup)
		}
		byUTM := &soroe.Conversion{OrgID: f.org.ID, Event: "apply", Source: soroe.ConversionPixel, UTMSource: string(links[1].Network), UTMContent: itoa(f.post.ID), At: day}
		if _, err := db.RecordConversion(ctx, byUTM); err != nil || byUTM.LinkID == nil || *byUTM.LinkID != links[1].ID {
			t.Fatalf("by utm: %+v %v", byUTM, err)
		}
		if err := db.SetLinkSettings(ctx, &soroe.LinkSettings{OrgID: f.org.ID, Track: true, WindowDays: 1}); err != nil {
			t.Fatal(err)
		}
		late := &soroe.Conversion{OrgID: f.org.ID, Event: "download", Source: soroe.ConversionAPI, Code: links[1].Code, At: day.Add(47 * time.Hour)}
		if _, err := db.RecordConversion(ctx, late); err != nil || late.PostID != nil {
			t.Fatalf("outside the window: %+v %v", late, err)
		}
		none := &soroe.Conversion{OrgID: f.org.ID, Event: "download", Source: soroe.ConversionAPI, At: day.Add(time.Hour)}
		if _, err := db.RecordConversion(ctx, none); err != nil || none.PostID != nil {
			t.Fatalf("no click: %+v %v", none, err)
		}
		if err := db.SetLinkSettings(ctx, &soroe.LinkSettings{OrgID: f.org.ID, WindowDays: 0}); soroe.ErrorField(err) != "attribution_window_days" {
			t.Fatalf("window 0: %v", err)
		}
		if _, err := db.RecordConversion(ctx, &soroe.Conversion{OrgID: f.org.ID, Event: "", Source: soroe.ConversionAPI}); soroe.ErrorField(err) != "event" {
			t.Fatalf("no event: %v", err)
		}

		got, err = db.ConversionsByDay(ctx, f.org.ID, from, to, tokyo, store.LinkFilter{Event: "download"})
		if err != nil {
			t.Fatal(err)
		}
		if !equalDays(got, []store.DayCount{{Day: "2026-05-02", Count: 2, Value: 5000}, {Day: "2026-05-04", Count: 1}}) {
			t.Fatalf("download per day %+v", got)
		}
		got, _ = db.ConversionsByDay(ctx, f.org.ID, from, to, tokyo, store.LinkFilter{PostIDs: []int64{f.post.ID}})
		if !equalDays(got, []store.DayCount{{Day: "2026-05-02", Count: 2, Value: 5000}}) {
			t.Fatalf("attributed to the post per day %+v", got)
		}
		out, err := db.PostOutcomes(ctx, f.org.ID, f.post.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o := out[f.post.ID]; o == nil || o.Clicks != 3 || o.Conversions["download"] != 1 || o.Conversions["apply"] != 1 {
			t.Fatalf("outcomes %+v", out[f.post.ID])
		}
		list, err := db.Conversions(ctx, f.org.ID, from, to, 10)
		if err != nil || len(list) != 4 {
			t.Fatalf("list %d %v", len(list), err)
		}
	})
}

func equalDays(a, b []store.DayCount) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
