package soroe

import "time"

// Notification kinds. Each has a message "notification.<kind>" in the
// catalogs, filled with Params.
const (
	NotifyMention        = "mention"           // someone @mentioned you in a comment
	NotifyReviewRequest  = "review_request"    // a post waits for your approval
	NotifyApproved       = "approved"          // your post was approved
	NotifyRejected       = "rejected"          // your post was sent back (差し戻し)
	NotifyPublishFailed  = "publish_failed"    // a target of your post failed
	NotifyUnconfirmed    = "unconfirmed"       // a target's outcome must be checked by hand
	NotifyManualDue      = "manual_due"        // a manual post is due: post it by hand and record the URL
	NotifyReconnect      = "account_reconnect" // an account needs reconnecting
	NotifyCommentOnPost  = "comment"           // someone commented on your post
	NotifyImportApproved = "import"            // a plan import created posts
	NotifyMetricsFailing = "metrics_failing"   // an account's numbers cannot be pulled (once per outage)
)

// Notification is one in-app message to one member.
type Notification struct {
	ID        int64             `json:"id"`
	OrgID     int64             `json:"org_id"`
	UserID    int64             `json:"user_id"`
	Kind      string            `json:"kind"`
	PostID    *int64            `json:"post_id,omitempty"`
	AccountID *int64            `json:"account_id,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	ReadAt    *time.Time        `json:"read_at,omitempty"`
}
