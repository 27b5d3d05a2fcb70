package network_test

import (
	"testing"

	"github.com/soroe/soroe/network"
)

func TestReasonCode(t *testing.T) {
	for _, tc := range []struct{ reason, want string }{
		{"", ""},
		{"rejected: Bluesky refused the post (InvalidRequest: Record/embed/images/0/image must not be larger than 1000000 bytes)", network.ReasonImageTooLarge},
		{(&network.Error{Kind: network.ErrRejected, Status: 400, Reason: "media_image_too_large"}).Error(), network.ReasonImageTooLarge},
		{(&network.Error{Kind: network.ErrRejected, Reason: "media_video_too_large"}).Error(), network.ReasonVideoTooLarge},
		{(&network.Error{Kind: network.ErrRejected, Reason: "attachment a.png is larger than 1000000 bytes"}).Error(), network.ReasonMediaTooLarge},
		{(&network.Error{Kind: network.ErrRejected, Reason: "media_required"}).Error(), network.ReasonMediaRequired},
		{(&network.Error{Kind: network.ErrRejected, Reason: "media_too_many_images"}).Error(), network.ReasonMediaTooMany},
		{(&network.Error{Kind: network.ErrRejected, Reason: "media_mixed"}).Error(), network.ReasonMediaType},
		{(&network.Error{Kind: network.ErrRejected, Reason: "an Instagram post needs its media at a public URL"}).Error(), network.ReasonMediaPublicURL},
		{(&network.Error{Kind: network.ErrRejected, Status: 400, Reason: "text is longer than 5000 characters (UTF-16 units): 5001"}).Error(), network.ReasonTextTooLong},
		{(&network.Error{Kind: network.ErrRejected, Status: 403, Reason: "You are not allowed to create a Tweet with duplicate content."}).Error(), network.ReasonDuplicate},
		{(&network.Error{Kind: network.ErrAuth, Status: 401, Reason: "Unauthorized"}).Error(), network.ReasonReconnect},
		{"account_needs_reconnect", network.ReasonReconnect},
		{"credentials_unreadable", network.ReasonCredentials},
		{"no_adapter: this network cannot publish from this server", network.ReasonNotConfigured},
		{(&network.Error{Kind: network.ErrRateLimited, Status: 429}).Error(), network.ReasonRateLimited},
		{(&network.Error{Kind: network.ErrTemporary, Status: 503}).Error(), network.ReasonTemporary},
		{(&network.Error{Kind: network.ErrUnknownOutcome, Reason: "context deadline exceeded"}).Error(), network.ReasonUnknownOutcome},
		{"unconfirmed: this network cannot be checked; open the account and confirm whether the post is there", network.ReasonCheckByHand},
		{"manual: post it by hand and record the URL", network.ReasonManual},
		{(&network.Error{Kind: network.ErrRejected, Status: 422, Reason: "Validation failed: something new"}).Error(), network.ReasonRejected},
		{"something else entirely", network.ReasonOther},
	} {
		if got := network.ReasonCode(tc.reason); got != tc.want {
			t.Errorf("ReasonCode(%q) = %q, want %q", tc.reason, got, tc.want)
		}
	}
}
