package soroe

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Prefixes of the secrets Soroe hands out, so a leaked one is recognisable.
const (
	TokenPrefix      = "soroe_pat_"
	InvitationPrefix = "inv_"
)

// NewSecret returns a random secret (256 bits, URL-safe) with prefix, and the
// hash to store in its place.
func NewSecret(prefix string) (secret string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics on a broken source)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is how secrets are stored. They have 256 bits of entropy, so a
// plain SHA-256 is enough; a password hash would add nothing but time.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
