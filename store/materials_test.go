package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func passagesN(n int) []soroe.Passage {
	ps := make([]soroe.Passage, n)
	for i := range ps {
		ps[i] = soroe.Passage{Locator: fmt.Sprintf("p.%d", i/3+1), Text: fmt.Sprintf("第%d節：断熱改修の事例 %d", i, i)}
	}
	return ps
}

func TestMaterials(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		a, b, owner, _ := planFixture(t, db)
		data := []byte("%PDF-1.4 pretend")
		m := &soroe.Material{OrgID: a.ID, Title: "  会社案内\t2026 ", Kind: "pdf", CreatedBy: owner.ID}
		if err := db.CreateMaterial(ctx, m, data); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || m.Title != "会社案内 2026" || m.Status != soroe.MaterialProcessing || m.Bytes != int64(len(data)) || !m.CreatedAt.Equal(storetest.Epoch) {
			t.Fatalf("created: %+v", m)
		}
		got, err := db.Material(ctx, a.ID, m.ID)
		if err != nil || *got != *m {
			t.Fatalf("read back: %+v %v, want %+v", got, err, m)
		}
		if d, err := db.MaterialData(ctx, a.ID, m.ID); err != nil || !bytes.Equal(d, data) {
			t.Fatalf("data: %q %v", d, err)
		}

		// Progress moves while processing, capped below 100.
		if err := db.SetMaterialProgress(ctx, m.ID, 40); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Material(ctx, a.ID, m.ID); got.Progress != 40 {
			t.Errorf("progress %d", got.Progress)
		}
		db.SetMaterialProgress(ctx, m.ID, 150)
		if got, _ := db.Material(ctx, a.ID, m.ID); got.Progress != 99 {
			t.Errorf("progress %d, want 99", got.Progress)
		}
		// Passages are not searchable before the material is ready.
		if ps, _ := db.Passages(ctx, a.ID); len(ps) != 0 {
			t.Errorf("passages before ready: %d", len(ps))
		}

		// Finish with more passages than one INSERT batch holds.
		ps := passagesN(450)
		if err := db.FinishMaterial(ctx, a.ID, m.ID, ps); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Material(ctx, a.ID, m.ID)
		if got.Status != soroe.MaterialReady || got.Progress != 100 || got.Passages != 450 || got.Error != "" {
			t.Errorf("finished: %+v", got)
		}
		all, err := db.Passages(ctx, a.ID)
		if err != nil || len(all) != 450 {
			t.Fatalf("passages: %d %v", len(all), err)
		}
		for i, p := range all {
			if p.Index != i || p.MaterialID != m.ID || p.Title != "会社案内 2026" || p.Text != ps[i].Text || p.Locator != ps[i].Locator || p.ID == 0 {
				t.Fatalf("passage %d: %+v", i, p)
			}
		}
		one, err := db.Passage(ctx, a.ID, all[7].ID)
		if err != nil || one.Text != all[7].Text {
			t.Errorf("passage: %+v %v", one, err)
		}
		stamp1, _ := db.PassageStamp(ctx, a.ID)

		// Processing again replaces the passages.
		if err := db.FinishMaterial(ctx, a.ID, m.ID, passagesN(3)); err != nil {
			t.Fatal(err)
		}
		if of, _ := db.PassagesOf(ctx, a.ID, m.ID); len(of) != 3 {
			t.Errorf("after re-finish: %d passages", len(of))
		}
		stamp2, _ := db.PassageStamp(ctx, a.ID)
		if stamp1 == stamp2 {
			t.Errorf("stamp did not change: %s", stamp1)
		}

		// A second material, and a list newest first.
		clock.Add(1)
		m2 := &soroe.Material{OrgID: a.ID, Title: "採用サイト", Kind: "html", SourceURL: "https://example.jp/recruit", CreatedBy: owner.ID}
		if err := db.CreateMaterial(ctx, m2, []byte("<html>")); err != nil {
			t.Fatal(err)
		}
		list, err := db.Materials(ctx, a.ID)
		if err != nil || len(list) != 2 || list[0].ID != m2.ID || list[1].Passages != 3 {
			t.Fatalf("list: %v %v", list, err)
		}

		// Failing removes passages.
		if err := db.FinishMaterial(ctx, a.ID, m2.ID, passagesN(2)); err != nil {
			t.Fatal(err)
		}
		if err := db.RestartMaterial(ctx, a.ID, m2.ID); err != nil {
			t.Fatal(err)
		}
		if ps, _ := db.PassagesOf(ctx, a.ID, m2.ID); len(ps) != 0 {
			t.Errorf("restarted material's passages are searched: %d", len(ps))
		}
		if err := db.FailMaterial(ctx, m2.ID, "material_encrypted"); err != nil {
			t.Fatal(err)
		}
		got2, _ := db.Material(ctx, a.ID, m2.ID)
		if got2.Status != soroe.MaterialFailed || got2.Error != "material_encrypted" || got2.Passages != 0 || got2.Progress != 0 {
			t.Errorf("failed: %+v", got2)
		}
		// Progress no longer moves once failed.
		db.SetMaterialProgress(ctx, m2.ID, 50)
		if got2, _ := db.Material(ctx, a.ID, m2.ID); got2.Progress != 0 {
			t.Errorf("progress moved after failure: %d", got2.Progress)
		}

		// Deleting a material deletes its file and passages.
		if err := db.DeleteMaterial(ctx, a.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Material(ctx, a.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("deleted material: %v", err)
		}
		if _, err := db.MaterialData(ctx, a.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("deleted material's data: %v", err)
		}
		var left int
		if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM passages WHERE material_id = $1", m.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("passages left after delete: %d %v", left, err)
		}
		if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM material_files WHERE material_id = $1", m.ID).Scan(&left); err != nil || left != 0 {
			t.Errorf("file left after delete: %d %v", left, err)
		}
		if err := db.DeleteMaterial(ctx, a.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("delete twice: %v", err)
		}
		if err := db.FinishMaterial(ctx, a.ID, m.ID, passagesN(1)); err != soroe.ErrNotFound {
			t.Errorf("finish deleted: %v", err)
		}
		if err := db.FailMaterial(ctx, m.ID, "x"); err != soroe.ErrNotFound {
			t.Errorf("fail deleted: %v", err)
		}
		_ = b
	})
}

func TestMaterialsIsolation(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		a, b, owner, _ := planFixture(t, db)
		m := &soroe.Material{OrgID: a.ID, Title: "社外秘", Kind: "txt", CreatedBy: owner.ID}
		if err := db.CreateMaterial(ctx, m, []byte("A社だけの資料")); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishMaterial(ctx, a.ID, m.ID, passagesN(5)); err != nil {
			t.Fatal(err)
		}
		// Org B sees nothing of org A's material, and cannot change it.
		if _, err := db.Material(ctx, b.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("material from B: %v", err)
		}
		if _, err := db.MaterialData(ctx, b.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("data from B: %v", err)
		}
		if list, _ := db.Materials(ctx, b.ID); len(list) != 0 {
			t.Errorf("list from B: %v", list)
		}
		if ps, _ := db.Passages(ctx, b.ID); len(ps) != 0 {
			t.Errorf("passages from B: %d", len(ps))
		}
		if _, err := db.PassagesOf(ctx, b.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("passages of A's material from B: %v", err)
		}
		all, _ := db.Passages(ctx, a.ID)
		if _, err := db.Passage(ctx, b.ID, all[0].ID); err != soroe.ErrNotFound {
			t.Errorf("one passage from B: %v", err)
		}
		if err := db.FinishMaterial(ctx, b.ID, m.ID, nil); err != soroe.ErrNotFound {
			t.Errorf("finish from B: %v", err)
		}
		if err := db.RestartMaterial(ctx, b.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("restart from B: %v", err)
		}
		if err := db.DeleteMaterial(ctx, b.ID, m.ID); err != soroe.ErrNotFound {
			t.Errorf("delete from B: %v", err)
		}
		if ps, _ := db.Passages(ctx, a.ID); len(ps) != 5 {
			t.Errorf("A's passages after B's attempts: %d", len(ps))
		}
		sa, _ := db.PassageStamp(ctx, a.ID)
		sb, _ := db.PassageStamp(ctx, b.ID)
		if sa == sb {
			t.Errorf("stamps: A %s, B %s", sa, sb)
		}
	})
}

func TestCreateMaterialInvalid(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		a, _, owner, _ := planFixture(t, db)
		for _, c := range []struct {
			m            soroe.Material
			data         []byte
			field, error string
		}{
			{soroe.Material{Title: " ", Kind: "pdf"}, []byte("x"), "title", "required"},
			{soroe.Material{Title: strings.Repeat("資", 201), Kind: "pdf"}, []byte("x"), "title", "too_long"},
			{soroe.Material{Title: "t", Kind: "exe"}, []byte("x"), "file", "material_unsupported"},
			{soroe.Material{Title: "t", Kind: "pdf"}, nil, "file", "material_empty"},
			{soroe.Material{Title: "t", Kind: "pdf"}, make([]byte, store.MaxMaterialBytes+1), "file", "material_too_large"},
		} {
			m := c.m
			m.OrgID, m.CreatedBy = a.ID, owner.ID
			err := db.CreateMaterial(ctx, &m, c.data)
			if soroe.ErrorField(err) != c.field || soroe.ErrorMessage(err) != c.error {
				t.Errorf("%+v: %v, want %s %s", c.m, err, c.field, c.error)
			}
		}
		if list, _ := db.Materials(ctx, a.ID); len(list) != 0 {
			t.Errorf("invalid materials stored: %v", list)
		}
	})
}
