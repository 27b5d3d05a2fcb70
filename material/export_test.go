package material

import "net/netip"

// WithAddrPolicy returns opts whose dial-time address check is allow
// instead of PublicAddr, so that tests on loopback can tell a first request
// that is let through from a redirect that is not.
func WithAddrPolicy(opts FetchOptions, allow func(netip.AddrPort) bool) FetchOptions {
	opts.allowAddr = allow
	return opts
}
