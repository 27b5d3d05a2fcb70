package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestOrgProfileAndUsage(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		a, b, _, _ := planFixture(t, db)
		p, err := db.OrgProfile(ctx, a.ID)
		if err != nil || p.OrgID != a.ID || p.Industry != "" {
			t.Fatalf("empty profile: %+v %v", p, err)
		}
		p.Industry, p.NGWords, p.BlockOnRisk = " 工務店 ", []string{"激安", " ", "激安"}, true
		if err := db.SetOrgProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, _ := db.OrgProfile(ctx, a.ID)
		if got.Industry != "工務店" || len(got.NGWords) != 1 || !got.BlockOnRisk || !got.UpdatedAt.Equal(storetest.Epoch) {
			t.Errorf("read back: %+v", got)
		}
		if other, _ := db.OrgProfile(ctx, b.ID); other.Industry != "" {
			t.Error("profile visible from another org")
		}
		long := &soroe.OrgProfile{OrgID: a.ID, Industry: string(make([]rune, 101))}
		if err := db.SetOrgProfile(ctx, long); soroe.ErrorField(err) != "industry" {
			t.Errorf("too long: %v", err)
		}
		for _, n := range []int{100, 50} {
			if err := db.RecordLLMUsage(ctx, store.LLMUsage{OrgID: a.ID, Model: "m", Purpose: "draft", PromptTokens: n, CompletionTokens: n / 2, Outcome: "ok"}); err != nil {
				t.Fatal(err)
			}
		}
		pr, co, err := db.LLMTokens(ctx, a.ID, storetest.Epoch.Add(-time.Hour))
		if err != nil || pr != 150 || co != 75 {
			t.Errorf("tokens: %d %d %v", pr, co, err)
		}
		if pr, _, _ := db.LLMTokens(ctx, b.ID, storetest.Epoch.Add(-time.Hour)); pr != 0 {
			t.Error("usage counted for another org")
		}
	})
}
