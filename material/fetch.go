package material

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/soroe/soroe"
)

// EnvAllowPrivateURLs names the variable that, set to 1, lets Fetch reach
// loopback and private addresses (for an intranet page, or a test).
const EnvAllowPrivateURLs = "SOROE_ALLOW_PRIVATE_URLS"

// Fetch defaults.
const (
	DefaultFetchTimeout = 20 * time.Second // the whole fetch, body included
	DefaultDialTimeout  = 5 * time.Second
	DefaultMaxFetch     = 10 << 20 // bytes of body
	DefaultMaxRedirects = 5
)

// FetchOptions tune Fetch. The zero value is the production guard.
type FetchOptions struct {
	// AllowPrivate lets the fetch reach loopback, private, link-local and
	// other non-public addresses. FetchOptionsFromEnv sets it from
	// SOROE_ALLOW_PRIVATE_URLS=1.
	AllowPrivate bool
	Timeout      time.Duration // DefaultFetchTimeout when 0
	DialTimeout  time.Duration // DefaultDialTimeout when 0
	MaxBytes     int64         // DefaultMaxFetch when 0
	MaxRedirects int           // DefaultMaxRedirects when 0; negative for none
	UserAgent    string        // "Soroe (+material fetch)" when ""

	// allowAddr, when set, replaces the address policy (tests).
	allowAddr func(netip.AddrPort) bool
}

// FetchOptionsFromEnv returns the production options, with AllowPrivate
// set when SOROE_ALLOW_PRIVATE_URLS=1.
func FetchOptionsFromEnv() FetchOptions {
	return FetchOptions{AllowPrivate: os.Getenv(EnvAllowPrivateURLs) == "1"}
}

func urlErr(key string) *soroe.Error { return soroe.Invalid("url", key) }

// errBlocked is returned by the dialer for an address the guard refuses.
var errBlocked = errors.New("address not allowed: loopback, private and reserved addresses are refused (SOROE_ALLOW_PRIVATE_URLS=1 allows them)")

// blockedPrefixes are the non-public ranges besides what netip's
// predicates name (loopback, private, link-local, multicast, unspecified).
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
}

// PublicAddr reports whether Fetch may connect to ip without AllowPrivate:
// it refuses loopback (127/8, ::1), private (10/8, 172.16/12, 192.168/16,
// fc00::/7), link-local (169.254/16 with the cloud metadata address
// 169.254.169.254, fe80::/10), unspecified, multicast, carrier-grade NAT
// (100.64/10) and reserved ranges, including IPv4 addresses embedded in
// IPv6 (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case netip.MustParsePrefix("64:ff9b::/96").Contains(ip):
			return PublicAddr(netip.AddrFrom4([4]byte(b[12:16])))
		case netip.MustParsePrefix("2002::/16").Contains(ip):
			return PublicAddr(netip.AddrFrom4([4]byte(b[2:6])))
		case netip.MustParsePrefix("::/96").Contains(ip): // IPv4-compatible (deprecated)
			return false
		}
	}
	return true
}

// ErrAddressNotPublic is what a dialer guarded by PublicOnly returns for an
// address it refuses.
var ErrAddressNotPublic = errBlocked

// PublicOnly is a net.Dialer Control function that refuses every address
// PublicAddr refuses. The dialer calls it for each address it is about to
// connect to, after DNS resolution, so neither a name that resolves to a
// private address (DNS rebinding) nor a redirect to one gets through. Use
// it, with Proxy nil in the transport, for every HTTP client that calls a
// host people typed in (a Mastodon instance, a Bluesky PDS, a page to
// fetch).
func PublicOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !PublicAddr(ap.Addr()) {
		return errBlocked
	}
	return nil
}

// Fetch downloads a web page (HTML or plain text) or a PDF for use as
// material and returns its title (the HTML <title>, the PDF's /Title, or
// the URL's last path element), its kind (HTML, TXT, Markdown or PDF) and
// its bytes, converted to UTF-8 for text (with a byte-order mark when the
// server declared another charset, so Extract reads it as UTF-8).
//
// Only http and https URLs are fetched, and, unless opts.AllowPrivate,
// only from public addresses: the address is checked when the connection
// is made, after DNS resolution, so neither a name that resolves to a
// private address (DNS rebinding) nor a redirect to one gets through.
// Redirects are followed up to opts.MaxRedirects times, each checked the
// same way. Errors are *soroe.Error on field "url" with the "url_" keys.
func Fetch(ctx context.Context, rawURL string, opts FetchOptions) (title, kind string, data []byte, err error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultFetchTimeout
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxFetch
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "Soroe (+material fetch)"
	}
	u, err := checkURL(rawURL)
	if err != nil {
		return "", "", nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	dialer := &net.Dialer{
		Timeout: opts.DialTimeout,
		// Control runs for every address the dialer tries, after DNS: the
		// one place where the address that will be connected is known.
		Control: func(network, address string, c syscall.RawConn) error {
			if opts.AllowPrivate {
				return nil
			}
			if opts.allowAddr != nil {
				ap, err := netip.ParseAddrPort(address)
				if err != nil || !opts.allowAddr(ap) {
					return errBlocked
				}
				return nil
			}
			return PublicOnly(network, address, c)
		},
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would be the one dialed, and checked, instead of the target
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   opts.DialTimeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConns:          1,
		DisableKeepAlives:     true,
		ForceAttemptHTTP2:     true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects || opts.MaxRedirects < 0 {
				return urlErr(ErrURLTooManyRedirs)
			}
			if _, err := checkURL(req.URL.String()); err != nil {
				return err
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", "", nil, urlErr(ErrURLInvalid)
	}
	req.Header.Set("User-Agent", opts.UserAgent)
	req.Header.Set("Accept", "text/html, application/xhtml+xml, text/plain, text/markdown, application/pdf;q=0.9")
	req.Header.Set("Accept-Language", "ja, en;q=0.8")
	resp, err := client.Do(req)
	if err != nil {
		return "", "", nil, fetchErr(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", "", nil, urlErr(ErrURLStatus)
	}
	if resp.ContentLength > opts.MaxBytes {
		return "", "", nil, urlErr(ErrURLTooLarge)
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, opts.MaxBytes+1))
	if err != nil {
		return "", "", nil, fetchErr(ctx, err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return "", "", nil, urlErr(ErrURLTooLarge)
	}
	final := resp.Request.URL

	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		kind = HTML
	case "text/plain":
		kind = TXT
		if e := strings.ToLower(path.Ext(final.Path)); e == ".md" || e == ".markdown" {
			kind = Markdown
		}
	case "text/markdown", "text/x-markdown":
		kind = Markdown
	case "application/pdf":
		kind = PDF
	default:
		return "", "", nil, urlErr(ErrURLType)
	}
	if kind != PDF {
		data = toUTF8(data, params["charset"])
	}
	if d, err := ExtractDocument(ctx, kind, data, Options{}); err == nil && d.Title != "" {
		title = d.Title
	}
	if title == "" {
		title = path.Base(final.Path)
		if title == "/" || title == "." || title == "" {
			title = final.Host
		} else if t, err := url.PathUnescape(title); err == nil {
			title = t
		}
	}
	return cleanTitle(title), kind, data, nil
}

// checkURL accepts absolute http(s) URLs with a host and no credentials.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || len(raw) > 2048 {
		return nil, urlErr(ErrURLInvalid)
	}
	u.Fragment = ""
	return u, nil
}

// fetchErr turns a client error into a URL error key.
func fetchErr(ctx context.Context, err error) error {
	var se *soroe.Error
	switch {
	case errors.As(err, &se):
		return se
	case errors.Is(err, errBlocked):
		return urlErr(ErrURLForbidden)
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return urlErr(ErrURLTimeout)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return urlErr(ErrURLTimeout)
	}
	return urlErr(ErrURLUnreachable)
}

// toUTF8 converts text in a declared charset to UTF-8 and marks it with a
// byte-order mark, which Extract's HTML and text readers take over any
// <meta charset> in the page. Without a declared charset (or with UTF-8),
// the bytes are left for Extract to sniff.
func toUTF8(data []byte, label string) []byte {
	label = strings.ToLower(strings.TrimSpace(label))
	if label == "" || label == "utf-8" || label == "utf8" {
		return data
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "utf-8" {
		return data
	}
	d, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return append([]byte{0xEF, 0xBB, 0xBF}, bytes.TrimPrefix(d, []byte{0xEF, 0xBB, 0xBF})...)
}
