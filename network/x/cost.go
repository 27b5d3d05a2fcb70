package x

import (
	"time"

	"github.com/soroe/soroe"
)

// X's pay-per-use read prices, from ../shared/reference/analytics.md §1.1,
// which quotes docs.x.com/x-api/getting-started/pricing (pricing.mdx) and
// fundamentals/post-cap (post-cap.mdx) as stored in 2026 (pay-per-use since
// 2026-02-06). Prices are in millionths of a US dollar per resource
// returned. The cheaper "owned reads" ($0.001 from 2026-04-20) apply only
// to /2/users/{id}/tweets and the like, not to GET /2/tweets?ids=, which
// the metrics pull uses.
const (
	// PostReadMicros is one Post: Read ($0.005).
	PostReadMicros = 5_000
	// UserReadMicros is one User: Read ($0.010), GET /2/users/me for the
	// follower count.
	UserReadMicros = 10_000
	// MonthlyPostReadCap is pay-per-use's cap on Post reads a month.
	MonthlyPostReadCap = 3_000_000
)

// PullPlan is an X account's metrics pull schedule, as EstimatePullCost
// prices it.
type PullPlan struct {
	// PostsPerMonth is how many posts the account publishes a month.
	PostsPerMonth int
	// Ages are when a post is pulled after publishing; nil means
	// soroe.PullAges.
	Ages []time.Duration
	// PublishAt is when in the day posts usually go out, in UTC, as the
	// time since midnight (03:00 for noon in Japan). X bills a resource
	// read again on the same UTC day only once, so pulls of one post that
	// fall on one UTC day cost one read.
	PublishAt time.Duration
	// FollowerDays is on how many days a month the follower count is read
	// (each day billed once, however often it is read).
	FollowerDays int
	// RefreshesPerMonth are the posts refreshed by hand a month, outside
	// the schedule (each one Post read, at worst).
	RefreshesPerMonth int
}

// Cost is a month's estimated X API reads and their price.
type Cost struct {
	PostReads int   // billable Post reads
	UserReads int   // billable User reads
	Micros    int64 // the price, in millionths of a US dollar
	// OverCap says PostReads exceed pay-per-use's monthly cap: X would
	// stop answering with 429 usage-capped before the month ends.
	OverCap bool
}

// USD is the price in US dollars.
func (c Cost) USD() float64 { return float64(c.Micros) / 1e6 }

// ReadsPerPost is how many billable reads one post's pulls cost: the
// number of distinct UTC days its pulls fall on.
func ReadsPerPost(publishAt time.Duration, ages []time.Duration) int {
	if ages == nil {
		ages = soroe.PullAges
	}
	const day = 24 * time.Hour
	publishAt = ((publishAt % day) + day) % day
	days := map[int64]bool{}
	for _, a := range ages {
		days[int64((publishAt+a)/day)] = true
	}
	return len(days)
}

// EstimatePullCost prices a month of an X account's pull schedule (pure;
// the account page shows it). Batching does not change the price: X bills
// per post returned, not per request.
func EstimatePullCost(p PullPlan) Cost {
	posts := max(p.PostsPerMonth, 0)
	c := Cost{
		PostReads: posts*ReadsPerPost(p.PublishAt, p.Ages) + max(p.RefreshesPerMonth, 0),
		UserReads: min(max(p.FollowerDays, 0), 31),
	}
	c.Micros = int64(c.PostReads)*PostReadMicros + int64(c.UserReads)*UserReadMicros
	c.OverCap = c.PostReads > MonthlyPostReadCap
	return c
}
