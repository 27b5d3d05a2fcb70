package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
	"github.com/soroe/soroe/store"
)

// startRunner starts a runner that polls often and stops it when the test
// ends, before the store closes.
func startRunner(t *testing.T, db *store.DB, cfg jobs.Config) (*jobs.Runner, *syncBuffer) {
	t.Helper()
	ctx := t.Context()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	cfg.FetchPollInterval = 50 * time.Millisecond
	cfg.TestOnly = true
	r, err := jobs.New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	})
	return r, &logs
}

func materialFixture(t *testing.T, db *store.DB) (org *soroe.Org, user *soroe.User) {
	t.Helper()
	user = &soroe.User{Email: "owner@a.jp", Name: "社長", PasswordHash: "h"}
	org = &soroe.Org{Name: "A"}
	if err := db.CreateUserWithOrg(t.Context(), user, org); err != nil {
		t.Fatal(err)
	}
	return org, user
}

// waitMaterial waits up to 20 s for a material to leave status processing.
func waitMaterial(t *testing.T, db *store.DB, orgID, id int64) *soroe.Material {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := db.Material(t.Context(), orgID, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != soroe.MaterialProcessing {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("material %d still processing after 20 s (progress %d)", id, m.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMaterialJob proves that the material worker runs on each engine: an
// uploaded DOCX and PPTX become ready with passages, and a password-protected
// PDF fails with its key and none.
func TestMaterialJob(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org, user := materialFixture(t, db)
		r, logs := startRunner(t, db, jobs.Config{Materials: material.Processor{DB: db}})
		files := []struct {
			name, kind string
			data       []byte
			status     string
			errKey     string
		}{
			{"会社案内.docx", material.DOCX, materialtest.DOCX("会社案内", "# 施工事例", "断熱改修で冬も暖かい住まいに。"), soroe.MaterialReady, ""},
			{"説明会.pptx", material.PPTX, materialtest.PPTX("説明会", []string{"採用説明会", "現場監督を募集"}), soroe.MaterialReady, ""},
			{"secret.pdf", material.PDF, materialtest.EncryptedPDF(), soroe.MaterialFailed, material.ErrEncrypted},
		}
		var ids []int64
		for _, f := range files {
			m := &soroe.Material{OrgID: org.ID, Title: f.name, Kind: f.kind, CreatedBy: user.ID}
			if err := db.CreateMaterial(ctx, m, f.data); err != nil {
				t.Fatal(err)
			}
			if err := r.ProcessMaterial(ctx, org.ID, m.ID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		for i, f := range files {
			m := waitMaterial(t, db, org.ID, ids[i])
			if m.Status != f.status || m.Error != f.errKey || (f.status == soroe.MaterialReady) != (m.Passages > 0) {
				t.Errorf("%s: %+v", f.name, m)
			}
		}
		ps, err := db.Passages(ctx, org.ID)
		if err != nil || len(ps) != 2 {
			t.Fatalf("passages: %+v %v", ps, err)
		}
		if hits := material.Retrieve("断熱", ps, 1); len(hits) != 1 || hits[0].Title != "会社案内.docx" || hits[0].Locator != "§1" {
			t.Errorf("retrieve: %+v", hits)
		}
		waitLog(t, logs, "jobs: material processed")
	})
}

// TestMaterialJobUnique: enqueuing a material twice while its job waits
// adds one job.
func TestMaterialJobUnique(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		r, err := jobs.New(db, jobs.Config{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		first, err := r.Insert(ctx, jobs.MaterialArgs{OrgID: 1, MaterialID: 7}, nil)
		if err != nil {
			t.Fatal(err)
		}
		second, err := r.Insert(ctx, jobs.MaterialArgs{OrgID: 1, MaterialID: 7}, nil)
		if err != nil {
			t.Fatal(err)
		}
		other, err := r.Insert(ctx, jobs.MaterialArgs{OrgID: 1, MaterialID: 8}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if first.UniqueSkippedAsDuplicate || !second.UniqueSkippedAsDuplicate || other.UniqueSkippedAsDuplicate {
			t.Errorf("skipped: first %v, second %v, other material %v", first.UniqueSkippedAsDuplicate, second.UniqueSkippedAsDuplicate, other.UniqueSkippedAsDuplicate)
		}
	})
}

// TestMaterialJobWithoutProcessor: a runner configured without a processor
// fails the material instead of leaving it processing.
func TestMaterialJobWithoutProcessor(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org, user := materialFixture(t, db)
		r, _ := startRunner(t, db, jobs.Config{})
		m := &soroe.Material{OrgID: org.ID, Title: "a.txt", Kind: material.TXT, CreatedBy: user.ID}
		if err := db.CreateMaterial(ctx, m, []byte("本文")); err != nil {
			t.Fatal(err)
		}
		if err := r.ProcessMaterial(ctx, org.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if got := waitMaterial(t, db, org.ID, m.ID); got.Status != soroe.MaterialFailed || got.Error != material.ErrFailed {
			t.Errorf("%+v", got)
		}
	})
}

func waitLog(t *testing.T, logs *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in logs", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
