package workflow

import (
	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/bluesky"
	"github.com/soroe/soroe/network/facebook"
	"github.com/soroe/soroe/network/instagram"
	"github.com/soroe/soroe/network/line"
	"github.com/soroe/soroe/network/linkedin"
	"github.com/soroe/soroe/network/mastodon"
	"github.com/soroe/soroe/network/threads"
	"github.com/soroe/soroe/network/x"
)

// capabilities are what each network's adapter accepts (media types,
// counts, sizes); they do not depend on an account. The manual network
// takes anything: a person posts it.
var capabilities = map[soroe.Network]network.Capabilities{
	soroe.NetworkBluesky:   (&bluesky.Client{}).Capabilities(),
	soroe.NetworkFacebook:  (&facebook.Client{}).Capabilities(),
	soroe.NetworkInstagram: (&instagram.Client{}).Capabilities(),
	soroe.NetworkLINE:      (&line.Client{}).Capabilities(),
	soroe.NetworkLinkedIn:  (&linkedin.Client{}).Capabilities(),
	soroe.NetworkMastodon:  (&mastodon.Client{}).Capabilities(),
	soroe.NetworkThreads:   (&threads.Client{}).Capabilities(),
	soroe.NetworkX:         (&x.Client{}).Capabilities(),
}

// Capabilities returns what a network accepts; ok is false for the manual
// network (no limits) and unknown ones.
func Capabilities(n soroe.Network) (network.Capabilities, bool) {
	c, ok := capabilities[n]
	return c, ok
}

// checkMedia checks a post's attachments for one network: a message key
// ("media_required", "media_image_too_large", …) or "".
func checkMedia(n soroe.Network, media []*soroe.Media) string {
	c, ok := Capabilities(n)
	if !ok {
		return ""
	}
	ms := make([]network.Media, len(media))
	for i, m := range media {
		ms[i] = network.Media{Filename: m.Filename, ContentType: m.ContentType, Size: m.Bytes, Alt: m.Alt}
	}
	if err := network.CheckMedia(c, ms); err != nil {
		return soroe.ErrorMessage(err)
	}
	return ""
}
