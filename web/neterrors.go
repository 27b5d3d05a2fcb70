package web

import (
	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/network"
)

// NetError is a publishing failure said for a person: what happened, in
// their language, what to do about it, and the network's own words kept
// for support.
type NetError struct {
	Code    string // network.ReasonCode of Raw
	Message string // 「Bluesky: 画像がこの SNS の上限サイズを超えています。」
	Action  string // what to do
	Raw     string // the stored reason, untranslated
}

// explainNetError says reason (a target's LastError) on network n in lang;
// nil for no reason.
func explainNetError(cat *i18n.Catalog, lang string, n soroe.Network, reason string) *NetError {
	code := network.ReasonCode(reason)
	if code == "" {
		return nil
	}
	name := cat.T(lang, "templates.network."+string(n))
	return &NetError{
		Code:    code,
		Message: cat.T(lang, "neterrors."+code+".message", "Network", name),
		Action:  cat.T(lang, "neterrors."+code+".action"),
		Raw:     reason,
	}
}

// NetError is explainNetError in the page's language.
func (p *page) NetError(n soroe.Network, reason string) *NetError {
	return explainNetError(p.s.cat, p.Lang, n, reason)
}
