package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// MaxMaterialBytes is the largest material file the store keeps (20 MiB,
// the same as material.MaxUpload, which a test checks).
const MaxMaterialBytes = 20 << 20

// materialKinds are the kinds package material extracts.
var materialKinds = []string{"pdf", "docx", "pptx", "txt", "md", "html"}

const materialCols = `m.id, m.org_id, m.title, m.kind, m.source_url, m.bytes, m.status, m.progress, m.error,
	(SELECT COUNT(*) FROM passages p WHERE p.material_id = m.id), m.created_by, m.created_at`

func scanMaterial(row interface{ Scan(...any) error }) (*soroe.Material, error) {
	var m soroe.Material
	err := row.Scan(&m.ID, &m.OrgID, &m.Title, &m.Kind, &m.SourceURL, &m.Bytes, &m.Status, &m.Progress, &m.Error,
		&m.Passages, &m.CreatedBy, &m.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// CreateMaterial stores a new material and its file, in status
// "processing" (enqueue its processing job next). It sets m's ID, Bytes,
// Status, Progress and CreatedAt.
func (db *DB) CreateMaterial(ctx context.Context, m *soroe.Material, data []byte) error {
	m.Title = strings.Join(strings.Fields(m.Title), " ")
	m.SourceURL = strings.TrimSpace(m.SourceURL)
	switch {
	case m.Title == "":
		return soroe.Invalid("title", "required")
	case utf8.RuneCountInString(m.Title) > 200:
		return soroe.Invalid("title", "too_long")
	case !slices.Contains(materialKinds, m.Kind):
		return soroe.Invalid("file", "material_unsupported")
	case len(data) == 0:
		return soroe.Invalid("file", "material_empty")
	case len(data) > MaxMaterialBytes:
		return soroe.Invalid("file", "material_too_large")
	case len(m.SourceURL) > 2048:
		return soroe.Invalid("url", "too_long")
	}
	m.Bytes, m.Status, m.Progress, m.Error, m.Passages = int64(len(data)), soroe.MaterialProcessing, 0, "", 0
	m.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO materials (org_id, title, kind, source_url, bytes, status, progress, error, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 0, '', $7, $8) RETURNING id`,
			m.OrgID, m.Title, m.Kind, m.SourceURL, m.Bytes, m.Status, m.CreatedBy, m.CreatedAt).Scan(&m.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO material_files (material_id, data) VALUES ($1, $2)", m.ID, data)
		return err
	})
}

// Material returns one of an organization's materials.
func (db *DB) Material(ctx context.Context, orgID, id int64) (*soroe.Material, error) {
	return scanMaterial(db.r.QueryRowContext(ctx, "SELECT "+materialCols+" FROM materials m WHERE m.id = $1 AND m.org_id = $2", id, orgID))
}

// Materials returns an organization's materials, newest first.
func (db *DB) Materials(ctx context.Context, orgID int64) ([]*soroe.Material, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+materialCols+" FROM materials m WHERE m.org_id = $1 ORDER BY m.id DESC", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Material
	for rows.Next() {
		m, err := scanMaterial(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MaterialData returns a material's original file.
func (db *DB) MaterialData(ctx context.Context, orgID, id int64) ([]byte, error) {
	var data []byte
	err := db.r.QueryRowContext(ctx, `SELECT f.data FROM material_files f JOIN materials m ON m.id = f.material_id
		WHERE m.id = $1 AND m.org_id = $2`, id, orgID).Scan(&data)
	return data, notFound(err)
}

// SetMaterialProgress records how far processing has come (0–99; 100 is
// reached by FinishMaterial). It does nothing to a material that is no
// longer processing.
func (db *DB) SetMaterialProgress(ctx context.Context, id int64, progress int) error {
	progress = min(max(progress, 0), 99)
	_, err := db.w.ExecContext(ctx, "UPDATE materials SET progress = $2 WHERE id = $1 AND status = $3", id, progress, soroe.MaterialProcessing)
	return err
}

// RestartMaterial puts a material back to processing, to process it again
// (after a failure, or with a newer extractor); its old passages are not
// searched until FinishMaterial replaces them.
func (db *DB) RestartMaterial(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "UPDATE materials SET status = $3, progress = 0, error = '' WHERE id = $1 AND org_id = $2",
		id, orgID, soroe.MaterialProcessing)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return soroe.ErrNotFound
	}
	return nil
}

// passageBatch is how many passages one INSERT writes (5 parameters each,
// well under both engines' limits).
const passageBatch = 200

// FinishMaterial replaces a material's passages and marks it ready, in one
// transaction: readers see the old state or the new one, never a material
// indexed in part.
func (db *DB) FinishMaterial(ctx context.Context, orgID, id int64, passages []soroe.Passage) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE materials SET status = $3, progress = 100, error = '' WHERE id = $1 AND org_id = $2",
			id, orgID, soroe.MaterialReady)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return soroe.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM passages WHERE material_id = $1", id); err != nil {
			return err
		}
		for start := 0; start < len(passages); start += passageBatch {
			batch := passages[start:min(start+passageBatch, len(passages))]
			var (
				q    strings.Builder
				args []any
			)
			q.WriteString("INSERT INTO passages (org_id, material_id, idx, locator, text) VALUES ")
			for i, p := range batch {
				if i > 0 {
					q.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
				args = append(args, orgID, id, start+i, p.Locator, p.Text)
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// FailMaterial marks a material failed with an error key (a "material_"
// message the UI translates) and removes any passages it had.
func (db *DB) FailMaterial(ctx context.Context, id int64, errKey string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM passages WHERE material_id = $1", id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE materials SET status = $2, progress = 0, error = $3 WHERE id = $1",
			id, soroe.MaterialFailed, errKey)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return soroe.ErrNotFound
		}
		return nil
	})
}

// DeleteMaterial deletes a material with its file and passages.
func (db *DB) DeleteMaterial(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM materials WHERE id = $1 AND org_id = $2", id, orgID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return soroe.ErrNotFound
	}
	return nil
}

const passageCols = "p.id, p.material_id, m.title, p.idx, p.locator, p.text"

func (db *DB) passages(ctx context.Context, where string, args ...any) ([]soroe.Passage, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+passageCols+` FROM passages p JOIN materials m ON m.id = p.material_id
		WHERE `+where+" ORDER BY p.material_id, p.idx", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []soroe.Passage
	for rows.Next() {
		var p soroe.Passage
		if err := rows.Scan(&p.ID, &p.MaterialID, &p.Title, &p.Index, &p.Locator, &p.Text); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Passages returns the passages of an organization's ready materials, in
// material and passage order, with their material's title.
func (db *DB) Passages(ctx context.Context, orgID int64) ([]soroe.Passage, error) {
	return db.passages(ctx, "p.org_id = $1 AND m.org_id = $1 AND m.status = $2", orgID, soroe.MaterialReady)
}

// PassagesOf returns one material's passages in order (none while it is
// processing or failed).
func (db *DB) PassagesOf(ctx context.Context, orgID, materialID int64) ([]soroe.Passage, error) {
	if _, err := db.Material(ctx, orgID, materialID); err != nil {
		return nil, err
	}
	return db.passages(ctx, "p.material_id = $1 AND m.org_id = $2 AND m.status = $3", materialID, orgID, soroe.MaterialReady)
}

// Passage returns one passage (for showing a citation).
func (db *DB) Passage(ctx context.Context, orgID, id int64) (*soroe.Passage, error) {
	ps, err := db.passages(ctx, "p.id = $1 AND m.org_id = $2", id, orgID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, soroe.ErrNotFound
	}
	return &ps[0], nil
}

// PassageStamp changes whenever an organization's searchable passages do
// (a material finished, failed, was restarted or deleted): a cache of
// their index is fresh while the stamp is the same.
func (db *DB) PassageStamp(ctx context.Context, orgID int64) (string, error) {
	var n, maxID, ready int64
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(p.id), COALESCE(MAX(p.id), 0),
		(SELECT COUNT(*) FROM materials WHERE org_id = $1 AND status = $2)
		FROM passages p WHERE p.org_id = $1`, orgID, soroe.MaterialReady).Scan(&n, &maxID, &ready)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%d:%d", n, maxID, ready), nil
}
