package measure

import (
	"context"
	"encoding/json"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/score"
	"github.com/soroe/soroe/store"
)

// ScoreDue scores up to limit posts whose numbers changed since they were
// last scored (or that carry an older formula version), and reports how
// many it scored. A post that cannot be scored yet (no denominator,
// nothing to compare with) is stored as unscored until its numbers change.
func ScoreDue(ctx context.Context, db *store.DB, now time.Time, limit int) (int, error) {
	tasks, err := db.SubjectsToScore(ctx, score.Version, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tasks {
		ok, err := ScoreOne(ctx, db, t.OrgID, t.Subject, now)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// scoreDetail is what a stored score keeps: the result (inputs included)
// and its plain-language breakdown in each language.
type scoreDetail struct {
	Result score.Result `json:"result"`
	JA     []string     `json:"ja"`
	EN     []string     `json:"en"`
}

// ScoreOne computes and stores one post's reaction score at now.
func ScoreOne(ctx context.Context, db *store.DB, orgID int64, subj soroe.Subject, now time.Time) (bool, error) {
	p, account, org, err := db.ScoreInput(ctx, orgID, subj, now, score.BaselineDays, 100)
	if err != nil {
		return false, err
	}
	rates := func(ps []*store.ScorePost) []float64 {
		var out []float64
		for _, b := range ps {
			if r, ok := score.RateOf(scorePost(b)); ok {
				out = append(out, r.Value)
			}
		}
		return out
	}
	res, ok := score.Score(scorePost(p), p.Kind, score.AgeBucket(now.Sub(p.PublishedAt).Hours()), rates(account), rates(org))
	if !ok {
		return false, db.SetScore(ctx, orgID, subj, nil, score.Version, "")
	}
	detail, err := json.Marshal(scoreDetail{Result: res, JA: score.Explain(res, soroe.LangJA), EN: score.Explain(res, soroe.LangEN)})
	if err != nil {
		return false, err
	}
	v := int64(res.Value)
	return true, db.SetScore(ctx, orgID, subj, &v, score.Version, string(detail))
}

func scorePost(p *store.ScorePost) score.Post {
	return score.Post{Values: p.Values, Followers: p.Followers, Conversions: p.Conversions}
}
