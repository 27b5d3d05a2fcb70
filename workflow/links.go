package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/secretbox"
)

// GuestLinkTTL is how long a guest approver's link is valid by default.
const GuestLinkTTL = 7 * 24 * time.Hour

// MediaLinkTTL is how long a public media link (for networks that fetch
// media by URL) is valid.
const MediaLinkTTL = 24 * time.Hour

// Errors of signed links.
var (
	ErrNoSecretKey = &soroe.Error{Code: soroe.EInvalid, Message: "signing_key_missing"}
	ErrLinkInvalid = &soroe.Error{Code: soroe.ENotFound, Message: "link_invalid"}
	ErrLinkExpired = &soroe.Error{Code: soroe.EInvalid, Message: "link_expired"}
	ErrLinkStale   = &soroe.Error{Code: soroe.EConflict, Message: "link_stale"}
)

const (
	guestAD = "soroe:guest-approval"
	mediaAD = "soroe:media-link"
)

// GuestClaim is what a guest approver's link says: who may decide which
// step of which round of a post, until when.
type GuestClaim struct {
	OrgID   int64  `json:"o"`
	PostID  int64  `json:"p"`
	Round   int    `json:"r"`
	Step    int    `json:"s"`
	Email   string `json:"e"`
	Name    string `json:"n"`
	Expires int64  `json:"x"` // Unix seconds
}

// GuestLink seals a link token for a guest the post's current step names.
// The link is authenticated and encrypted with the installation's secret
// key (SOROE_SECRET_KEY), so it cannot be forged or altered, and it
// expires. Issuing it is written in the post's history.
func (s *Service) GuestLink(ctx context.Context, box *secretbox.Box, a Actor, postID int64, email string, ttl time.Duration) (string, *GuestClaim, error) {
	p, err := s.DB.Post(ctx, a.OrgID, postID)
	if err != nil {
		return "", nil, err
	}
	if box == nil {
		return "", nil, ErrNoSecretKey
	}
	if p.State != soroe.PostInReview || p.Step >= len(p.Steps) {
		return "", nil, ErrLinkStale
	}
	i := slices.IndexFunc(p.Steps[p.Step].Guests, func(g soroe.Guest) bool { return g.Email == email })
	if i < 0 {
		return "", nil, soroe.Invalid("email", "not_a_guest_of_step")
	}
	g := p.Steps[p.Step].Guests[i]
	if ttl <= 0 {
		ttl = GuestLinkTTL
	}
	c := &GuestClaim{OrgID: p.OrgID, PostID: p.ID, Round: p.Round, Step: p.Step, Email: g.Email, Name: g.Name,
		Expires: s.DB.Now().Add(ttl).Unix()}
	b, err := json.Marshal(c)
	if err != nil {
		return "", nil, err
	}
	tok, err := box.Seal(b, []byte(guestAD))
	if err != nil {
		return "", nil, err
	}
	uid := a.UserID
	if err := s.DB.AddPostEvent(ctx, a.OrgID, postID, "guest_link", g.Email, &uid, ""); err != nil {
		return "", nil, err
	}
	return tok, c, nil
}

// OpenGuestLink checks a guest link token: it must open with the secret
// key, not be expired, and the post must still wait at the same round and
// step (an edit or a decision since makes the link stale).
func (s *Service) OpenGuestLink(ctx context.Context, box *secretbox.Box, token string) (*GuestClaim, *soroe.Post, error) {
	if box == nil {
		return nil, nil, ErrNoSecretKey
	}
	b, err := box.Open(token, []byte(guestAD))
	if err != nil {
		return nil, nil, ErrLinkInvalid
	}
	var c GuestClaim
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, nil, ErrLinkInvalid
	}
	if s.DB.Now().Unix() > c.Expires {
		return &c, nil, ErrLinkExpired
	}
	p, err := s.DB.Post(ctx, c.OrgID, c.PostID)
	if errors.Is(err, soroe.ErrNotFound) {
		return &c, nil, ErrLinkInvalid
	} else if err != nil {
		return &c, nil, err
	}
	if p.State != soroe.PostInReview || p.Round != c.Round || p.Step != c.Step {
		return &c, p, ErrLinkStale
	}
	return &c, p, nil
}

// MediaToken seals a public link token for one attachment (for networks
// that fetch media by URL: Instagram, Threads, Facebook, LINE).
func MediaToken(box *secretbox.Box, mediaID int64, expires time.Time) (string, error) {
	if box == nil {
		return "", ErrNoSecretKey
	}
	return box.Seal([]byte(strconv.FormatInt(mediaID, 10)+"/"+strconv.FormatInt(expires.Unix(), 10)), []byte(mediaAD))
}

// OpenMediaToken returns the attachment a media token names, if it has not
// expired at now.
func OpenMediaToken(box *secretbox.Box, token string, now time.Time) (int64, error) {
	if box == nil {
		return 0, ErrNoSecretKey
	}
	b, err := box.Open(token, []byte(mediaAD))
	if err != nil {
		return 0, ErrLinkInvalid
	}
	var id, exp int64
	for i, c := range b {
		if c == '/' {
			id, err = strconv.ParseInt(string(b[:i]), 10, 64)
			if err == nil {
				exp, err = strconv.ParseInt(string(b[i+1:]), 10, 64)
			}
			break
		}
	}
	if err != nil || id == 0 {
		return 0, ErrLinkInvalid
	}
	if now.Unix() > exp {
		return 0, ErrLinkExpired
	}
	return id, nil
}
