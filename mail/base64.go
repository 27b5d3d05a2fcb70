package mail

import (
	"encoding/base64"
	"strings"
)

// base64Lines is data in base64, 76 characters a line (RFC 2045).
func base64Lines(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}
