package material_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// recorder is the store, with the progress Process reports written down.
type recorder struct {
	*store.DB
	mu       sync.Mutex
	progress map[int64][]int
}

func (r *recorder) SetMaterialProgress(ctx context.Context, id int64, p int) error {
	r.mu.Lock()
	r.progress[id] = append(r.progress[id], p)
	r.mu.Unlock()
	return r.DB.SetMaterialProgress(ctx, id, p)
}

func orgFixture(t *testing.T, db *store.DB, email string) (org *soroe.Org, user *soroe.User) {
	t.Helper()
	user = &soroe.User{Email: email, Name: "担当", PasswordHash: "h"}
	org = &soroe.Org{Name: email}
	if err := db.CreateUserWithOrg(context.Background(), user, org); err != nil {
		t.Fatal(err)
	}
	return org, user
}

// upload stores a file as the web handler will: kind from KindOf.
func upload(t *testing.T, db *store.DB, org, user int64, name string, data []byte) *soroe.Material {
	t.Helper()
	kind, err := material.KindOf(name, "", data)
	if err != nil {
		kind = "docx" // password-protected uploads are stored and fail in processing
	}
	m := &soroe.Material{OrgID: org, Title: name, Kind: kind, CreatedBy: user}
	if err := db.CreateMaterial(context.Background(), m, data); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestProcess(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		a, ua := orgFixture(t, db, "a@example.jp")
		b, ub := orgFixture(t, db, "b@example.jp")
		rec := &recorder{DB: db, progress: map[int64][]int{}}

		long := make([]string, 0, 30)
		for i := range 30 {
			long = append(long, "当社の施工事例をご紹介します。築四十年の住宅の断熱改修では、窓を樹脂サッシに替え、天井と床に断熱材を入れました。"+strings.Repeat("工事", i%3))
		}
		files := []struct {
			name string
			data []byte
		}{
			{"会社案内.docx", materialtest.DOCX("会社案内", append([]string{"# 施工事例"}, long[:12]...)...)},
			{"採用説明会.pptx", materialtest.PPTX("採用説明会", []string{"採用説明会", "現場監督を募集しています。"}, []string{"働き方", "週休二日制・資格取得支援"})},
			{"profile.pdf", materialtest.PDF("Company profile", []string{"Insulation retrofits keep old houses warm.", "Founded in 1978."}, []string{"We are hiring site managers."})},
			{"お知らせ.txt", materialtest.ShiftJIS(strings.Join(long[12:], "\n\n"))},
		}
		if materialtest.HaveIPAGothic() {
			ja, err := materialtest.JapanesePDF("断熱の手引き", []string{"断熱リフォームで冬も暖かく。", "補助金の申請もお手伝いします。"}, []string{"お問い合わせは山田工務店まで。"})
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, struct {
				name string
				data []byte
			}{"手引き.pdf", ja})
		} else {
			t.Logf("the Japanese PDF is left out: %s is not installed", materialtest.IPAGothic)
		}
		var ready []*soroe.Material
		for _, f := range files {
			m := upload(t, db, a.ID, ua.ID, f.name, f.data)
			if err := material.Process(ctx, rec, a.ID, m.ID); err != nil {
				t.Fatalf("%s: %v", f.name, err)
			}
			got, _ := db.Material(ctx, a.ID, m.ID)
			if got.Status != soroe.MaterialReady || got.Progress != 100 || got.Passages == 0 || got.Error != "" {
				t.Errorf("%s: %+v", f.name, got)
			}
			steps := rec.progress[m.ID]
			if len(steps) < 4 || steps[0] != material.ProgressLoaded || steps[len(steps)-1] != material.ProgressIndexed {
				t.Errorf("%s: progress %v", f.name, steps)
			}
			for i := 1; i < len(steps); i++ {
				if steps[i] < steps[i-1] {
					t.Errorf("%s: progress went back: %v", f.name, steps)
				}
			}
			ready = append(ready, got)
		}
		// The 12 long DOCX paragraphs make several passages, in order.
		ps, _ := db.PassagesOf(ctx, a.ID, ready[0].ID)
		if len(ps) < 3 || ps[0].Locator != "§1" || !strings.HasPrefix(ps[0].Text, "施工事例\n") {
			t.Errorf("docx passages: %+v", ps)
		}
		for _, p := range ps {
			if n := len([]rune(p.Text)); n > material.PassageMax {
				t.Errorf("passage of %d characters", n)
			}
		}
		if ps, _ := db.PassagesOf(ctx, a.ID, ready[1].ID); len(ps) != 1 || ps[0].Locator != "slide 1–2" {
			t.Errorf("pptx passages: %+v", ps)
		}

		// Retrieval over the organization's passages cites material and place.
		r := material.NewRetriever(db)
		hits, err := r.Retrieve(ctx, a.ID, "断熱 改修", 3)
		if err != nil || len(hits) == 0 {
			t.Fatalf("retrieve: %v %v", hits, err)
		}
		if hits[0].Title != "会社案内.docx" && hits[0].Title != "お知らせ.txt" {
			t.Errorf("first hit from %q", hits[0].Title)
		}
		if hits, _ := r.Retrieve(ctx, a.ID, "site managers", 1); len(hits) != 1 || hits[0].Title != "profile.pdf" || hits[0].Locator != "p.1–2" {
			t.Errorf("pdf hit: %+v", hits)
		}
		if hits, _ := r.Retrieve(ctx, a.ID, "週休二日", 1, ready[1].ID); len(hits) != 1 || hits[0].MaterialID != ready[1].ID {
			t.Errorf("hit limited to the pptx: %+v", hits)
		}
		if hits, _ := r.Retrieve(ctx, a.ID, "週休二日", 1, ready[0].ID); len(hits) != 0 {
			t.Errorf("hit outside the chosen material: %+v", hits)
		}
		if len(ready) == 5 {
			if hits, _ := r.Retrieve(ctx, a.ID, "補助金", 1); len(hits) != 1 || hits[0].Title != "手引き.pdf" || hits[0].Locator != "p.1–2" {
				t.Errorf("japanese pdf hit: %+v", hits)
			}
		}
		// Another organization finds nothing of A's.
		if hits, err := r.Retrieve(ctx, b.ID, "断熱 改修", 3); err != nil || len(hits) != 0 {
			t.Errorf("B sees A's material: %v %v", hits, err)
		}
		// Deleting a material removes it from retrieval (the cache notices).
		if err := db.DeleteMaterial(ctx, a.ID, ready[1].ID); err != nil {
			t.Fatal(err)
		}
		if hits, _ := r.Retrieve(ctx, a.ID, "週休二日", 3); len(hits) != 0 {
			t.Errorf("deleted material still found: %+v", hits)
		}

		// Files that cannot be read fail with their key and no passages.
		for _, c := range []struct {
			name string
			data []byte
			key  string
		}{
			{"secret.pdf", materialtest.EncryptedPDF(), material.ErrEncrypted},
			{"secret.docx", materialtest.EncryptedDOCX(), material.ErrEncrypted},
			{"broken.pdf", []byte("%PDF-1.4\nnothing else"), material.ErrBroken},
			{"scan.txt", []byte("\n\n   \n"), material.ErrEmpty},
		} {
			m := upload(t, db, b.ID, ub.ID, c.name, c.data)
			if err := material.Process(ctx, db, b.ID, m.ID); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got, _ := db.Material(ctx, b.ID, m.ID)
			if got.Status != soroe.MaterialFailed || got.Error != c.key || got.Passages != 0 {
				t.Errorf("%s: %+v, want failed %s", c.name, got, c.key)
			}
		}

		// A material deleted before its job ran is not an error.
		m := upload(t, db, a.ID, ua.ID, "消す.txt", []byte("すぐ消します。"))
		db.DeleteMaterial(ctx, a.ID, m.ID)
		if err := material.Process(ctx, db, a.ID, m.ID); err != nil {
			t.Errorf("deleted: %v", err)
		}
		// Nor is processing for the wrong organization: nothing happens.
		m = upload(t, db, a.ID, ua.ID, "別.txt", []byte("A社の資料です。"))
		if err := material.Process(ctx, db, b.ID, m.ID); err != nil {
			t.Errorf("wrong org: %v", err)
		}
		if got, _ := db.Material(ctx, a.ID, m.ID); got.Status != soroe.MaterialProcessing {
			t.Errorf("processed through another org: %+v", got)
		}
	})
}

// failingStore fails to read the file, as a database that went away would.
type failingStore struct{ material.Store }

func (failingStore) Material(ctx context.Context, orgID, id int64) (*soroe.Material, error) {
	return &soroe.Material{ID: id, OrgID: orgID, Kind: "txt"}, nil
}

func (failingStore) MaterialData(context.Context, int64, int64) ([]byte, error) {
	return nil, errors.New("connection refused")
}

func TestProcessStoreErrorIsRetried(t *testing.T) {
	if err := material.Process(context.Background(), failingStore{}, 1, 1); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err %v, want the store's error (for River to retry)", err)
	}
}

// countingStore counts how often the Retriever reads all passages.
type countingStore struct {
	mu    sync.Mutex
	reads int
	stamp string
	ps    []soroe.Passage
}

func (s *countingStore) Passages(context.Context, int64) ([]soroe.Passage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	return s.ps, nil
}

func (s *countingStore) PassageStamp(context.Context, int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stamp, nil
}

func TestRetrieverCache(t *testing.T) {
	s := &countingStore{stamp: "1", ps: corpus}
	r := material.NewRetriever(s)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if hits, err := r.Retrieve(ctx, 1, "補助金", 1); err != nil || len(hits) != 1 || hits[0].ID != 7 {
					t.Errorf("hits %v %v", hits, err)
				}
			}
		})
	}
	wg.Wait()
	if s.reads > 8 {
		t.Errorf("passages read %d times for one stamp", s.reads)
	}
	s.mu.Lock()
	s.stamp, s.ps = "2", corpus[:1]
	s.mu.Unlock()
	if hits, _ := r.Retrieve(ctx, 1, "補助金", 1); len(hits) != 0 {
		t.Errorf("stale index after the stamp changed: %v", hits)
	}
}
