package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestPostMemos: a post's 工夫メモ is written, replaced, read alone and by
// the page, removed when emptied, refused when too long, and never read
// or written through another organization.
func TestPostMemos(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		mk := func(text string) *soroe.Post {
			t.Helper()
			p := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, Text: text}
			if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: text}}); err != nil {
				t.Fatal(err)
			}
			return p
		}
		a, b := mk("完成見学会"), mk("社員紹介")
		if _, err := db.PostMemo(ctx, f.org.ID, a.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Fatalf("a post without a memo: %v", err)
		}
		m, err := db.SetPostMemo(ctx, f.org.ID, a.ID, f.staff.ID, "  朝7時に投稿、施主さんの声を冒頭に  ")
		if err != nil || m.Body != "朝7時に投稿、施主さんの声を冒頭に" || m.UpdatedByName == "" {
			t.Fatalf("set: %+v %v", m, err)
		}
		clock.Add(time.Hour)
		if _, err := db.SetPostMemo(ctx, f.org.ID, a.ID, f.pr.ID, "写真を3枚に"); err != nil {
			t.Fatal(err)
		}
		got, err := db.PostMemo(ctx, f.org.ID, a.ID)
		if err != nil || got.Body != "写真を3枚に" || got.UpdatedBy != f.pr.ID || !got.UpdatedAt.Equal(db.Now()) {
			t.Errorf("replaced: %+v %v (now %v)", got, err, db.Now())
		}
		if _, err := db.SetPostMemo(ctx, f.org.ID, b.ID, f.staff.ID, "ハッシュタグを減らした"); err != nil {
			t.Fatal(err)
		}
		ms, err := db.PostMemos(ctx, f.org.ID, []int64{a.ID, b.ID, 999999})
		if err != nil || len(ms) != 2 || ms[b.ID].Body != "ハッシュタグを減らした" {
			t.Errorf("by page: %v %v", ms, err)
		}
		if ms, err := db.PostMemos(ctx, f.org.ID+1000, []int64{a.ID}); err != nil || len(ms) != 0 {
			t.Errorf("another organization reads %v %v", ms, err)
		}
		if _, err := db.SetPostMemo(ctx, f.org.ID+1000, a.ID, f.staff.ID, "乗っ取り"); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("another organization writes: %v", err)
		}
		if _, err := db.SetPostMemo(ctx, f.org.ID, a.ID, f.staff.ID, strings.Repeat("あ", soroe.MaxMemoRunes+1)); soroe.ErrorField(err) != "memo" {
			t.Errorf("too long: %v", err)
		}
		if m, err := db.SetPostMemo(ctx, f.org.ID, a.ID, f.staff.ID, " "); err != nil || m != nil {
			t.Fatalf("emptied: %v %v", m, err)
		}
		if _, err := db.PostMemo(ctx, f.org.ID, a.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("an emptied memo is still there: %v", err)
		}
	})
}
