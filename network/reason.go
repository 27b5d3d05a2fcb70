package network

import (
	"regexp"
	"strings"
)

// Reason codes: what a stored failure reason (a target's LastError, the
// text of an *Error or a publishing note) means for the person who must act
// on it. The UI looks each up as neterrors.<code>.message and .action.
const (
	ReasonImageTooLarge  = "image_too_large"
	ReasonVideoTooLarge  = "video_too_large"
	ReasonMediaTooLarge  = "media_too_large" // an attachment, kind not said
	ReasonMediaRequired  = "media_required"
	ReasonMediaType      = "media_type"       // a file type or mix the network does not take
	ReasonMediaTooMany   = "media_too_many"   // more attachments than the network takes
	ReasonMediaPublicURL = "media_public_url" // the network fetches media from a public URL this server has not got
	ReasonMediaPending   = "media_processing"
	ReasonTextTooLong    = "text_too_long"
	ReasonTextEmpty      = "text_empty"
	ReasonDuplicate      = "duplicate"
	ReasonReconnect      = "reconnect"   // credentials revoked, expired or missing
	ReasonCredentials    = "credentials" // stored credentials unreadable here (SOROE_SECRET_KEY)
	ReasonNotConfigured  = "not_configured"
	ReasonRateLimited    = "rate_limited"
	ReasonTemporary      = "temporary"
	ReasonUnknownOutcome = "unknown_outcome"
	ReasonCheckByHand    = "check_by_hand"
	ReasonManual         = "manual"
	ReasonUnfinished     = "unfinished" // not sent: the post still holds a placeholder or lacks its 型's media
	ReasonRejected       = "rejected"   // refused for a reason not recognised
	ReasonOther          = "other"
)

// ReasonCodes are every code ReasonCode returns but "".
var ReasonCodes = []string{
	ReasonImageTooLarge, ReasonVideoTooLarge, ReasonMediaTooLarge, ReasonMediaRequired, ReasonMediaType,
	ReasonMediaTooMany, ReasonMediaPublicURL, ReasonMediaPending, ReasonTextTooLong, ReasonTextEmpty,
	ReasonDuplicate, ReasonReconnect, ReasonCredentials, ReasonNotConfigured, ReasonRateLimited,
	ReasonTemporary, ReasonUnknownOutcome, ReasonCheckByHand, ReasonManual, ReasonUnfinished, ReasonRejected, ReasonOther,
}

// reasonRules map words of a reason to its code; the first match wins.
var reasonRules = []struct {
	re   *regexp.Regexp
	code string
}{
	{regexp.MustCompile(`(?i)^manual:`), ReasonManual},
	{regexp.MustCompile(`(?i)^unfinished:`), ReasonUnfinished},
	{regexp.MustCompile(`(?i)cannot be checked`), ReasonCheckByHand},
	{regexp.MustCompile(`(?i)no_adapter|not configured|client id is not`), ReasonNotConfigured},
	{regexp.MustCompile(`(?i)credentials_unreadable`), ReasonCredentials},
	{regexp.MustCompile(`(?i)account_needs_reconnect|reconnect the account|no access token|no app password|no channel access token|has no .*access token|^authorization failed|invalid.?token|expired.?token`), ReasonReconnect},
	{regexp.MustCompile(`(?i)media_image_too_large|image.*(larger than|too large|too big|exceeds)|(larger than|too large).*image`), ReasonImageTooLarge},
	{regexp.MustCompile(`(?i)media_video_too_large|video.*(larger than|too large|too big|exceeds|too long)`), ReasonVideoTooLarge},
	{regexp.MustCompile(`(?i)media_too_large|attachment .* is larger than|blob.*too ?large|file (size|is too)|payload too large`), ReasonMediaTooLarge},
	{regexp.MustCompile(`(?i)media_required|needs? (an )?(image|media|photo)`), ReasonMediaRequired},
	{regexp.MustCompile(`(?i)media_too_many|too many (images|videos|attachments|media)`), ReasonMediaTooMany},
	{regexp.MustCompile(`(?i)media_(mixed|not_supported|type_not_supported|video_not_supported)|unsupported (media|file|image)|media type`), ReasonMediaType},
	{regexp.MustCompile(`(?i)public (https )?url`), ReasonMediaPublicURL},
	{regexp.MustCompile(`(?i)still being processed|media.*(processing|not ready)`), ReasonMediaPending},
	{regexp.MustCompile(`(?i)longer than|too long|character limit|exceeds .*(characters|length)|text_too_long`), ReasonTextTooLong},
	{regexp.MustCompile(`(?i)empty text|text is empty`), ReasonTextEmpty},
	{regexp.MustCompile(`(?i)duplicate|already (posted|exists)`), ReasonDuplicate},
	{regexp.MustCompile(`(?i)^rate limited|too many requests|rate.?limit`), ReasonRateLimited},
	{regexp.MustCompile(`(?i)^outcome unknown|^unconfirmed`), ReasonUnknownOutcome},
	{regexp.MustCompile(`(?i)^(temporary failure|store:|media:)`), ReasonTemporary},
	{regexp.MustCompile(`(?i)^rejected`), ReasonRejected},
}

// ReasonCode is the code of a stored failure reason ("" for none).
func ReasonCode(reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ""
	}
	for _, r := range reasonRules {
		if r.re.MatchString(reason) {
			return r.code
		}
	}
	return ReasonOther
}
