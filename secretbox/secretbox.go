// Package secretbox encrypts secrets at rest — network access and refresh
// tokens — with a key derived from SOROE_SECRET_KEY.
//
// A box is "v1:" + base64url(key id ‖ nonce ‖ ciphertext): XChaCha20-Poly1305
// with a random 24-byte nonce, under a 32-byte key derived with HKDF-SHA256
// from the configured secret. The key id (8 bytes, derived separately, so
// it reveals nothing of the key) lets Open pick the right key among the
// current and old ones, and tell "sealed with a key we do not have" from
// "tampered with".
package secretbox

import (
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// MinSecretLength is the shortest secret accepted, in characters.
const MinSecretLength = 32

// Environment variables: the current key and, while rotating, the previous.
const (
	EnvKey    = "SOROE_SECRET_KEY"
	EnvOldKey = "SOROE_SECRET_KEY_OLD"
)

// KeyFile is the demo-mode key's file name in the data directory.
const KeyFile = "secret.key"

const (
	prefix = "v1:"
	idLen  = 8
)

var (
	// ErrNoKey: SOROE_SECRET_KEY is not set; tokens cannot be stored.
	ErrNoKey = errors.New("secretbox: SOROE_SECRET_KEY is not set; set it to a random string of at least 32 characters")
	// ErrShortKey: a secret is shorter than MinSecretLength.
	ErrShortKey = errors.New("secretbox: secret key must be at least 32 characters")
	// ErrMalformed: the input is not a box this version can read.
	ErrMalformed = errors.New("secretbox: not a v1 box")
	// ErrWrongKey: the box was sealed with a key that is not configured
	// (SOROE_SECRET_KEY changed without SOROE_SECRET_KEY_OLD).
	ErrWrongKey = errors.New("secretbox: sealed with a different key (was SOROE_SECRET_KEY changed? set the old one as SOROE_SECRET_KEY_OLD)")
	// ErrTampered: the key is right but the box (or its associated data)
	// was altered.
	ErrTampered = errors.New("secretbox: box was altered or belongs to another record")
)

type key struct {
	id   []byte
	aead cipher.AEAD
}

// Box seals with its first key and opens with any of its keys.
type Box struct{ keys []key }

// New derives a Box from secrets, current first. Empty secrets after the
// first are skipped (an unset SOROE_SECRET_KEY_OLD).
func New(current string, old ...string) (*Box, error) {
	if current == "" {
		return nil, ErrNoKey
	}
	b := &Box{}
	for i, s := range append([]string{current}, old...) {
		if s == "" && i > 0 {
			continue
		}
		if len([]rune(s)) < MinSecretLength {
			return nil, ErrShortKey
		}
		k, err := derive(s)
		if err != nil {
			return nil, err
		}
		b.keys = append(b.keys, k)
	}
	return b, nil
}

func derive(secret string) (key, error) {
	// A fixed salt: the secret is the only input, so the same secret gives
	// the same key on every server.
	salt := []byte("soroe secretbox")
	raw, err := hkdf.Key(sha256.New, []byte(secret), salt, "soroe secretbox v1 key", chacha20poly1305.KeySize)
	if err != nil {
		return key{}, err
	}
	id, err := hkdf.Key(sha256.New, []byte(secret), salt, "soroe secretbox v1 key id", idLen)
	if err != nil {
		return key{}, err
	}
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		return key{}, err
	}
	return key{id: id, aead: aead}, nil
}

// FromEnv reads SOROE_SECRET_KEY and SOROE_SECRET_KEY_OLD with getenv
// (os.Getenv). It returns ErrNoKey when the current key is unset.
func FromEnv(getenv func(string) string) (*Box, error) {
	return New(strings.TrimSpace(getenv(EnvKey)), strings.TrimSpace(getenv(EnvOldKey)))
}

// Load is FromEnv, except that in demo mode a missing SOROE_SECRET_KEY is
// replaced by a key generated once and kept in dataDir (LoadOrCreateKey).
// Outside demo mode a missing key is ErrNoKey: refuse to store tokens.
func Load(getenv func(string) string, dataDir string, demo bool) (*Box, error) {
	b, err := FromEnv(getenv)
	if !errors.Is(err, ErrNoKey) || !demo {
		return b, err
	}
	k, err := LoadOrCreateKey(dataDir)
	if err != nil {
		return nil, err
	}
	return New(k, strings.TrimSpace(getenv(EnvOldKey)))
}

// LoadOrCreateKey returns the key kept in dataDir/secret.key, creating it
// (mode 0600, 256 random bits) when there is none. Creation is atomic: two
// processes starting together end up with the same key.
func LoadOrCreateKey(dataDir string) (string, error) {
	path := filepath.Join(dataDir, KeyFile)
	if b, err := os.ReadFile(path); err == nil {
		k := strings.TrimSpace(string(b))
		if len(k) < MinSecretLength {
			return "", fmt.Errorf("%s: %w", path, ErrShortKey)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	k := base64.RawURLEncoding.EncodeToString(raw)
	tmp, err := os.CreateTemp(dataDir, ".secret.key-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", err
	}
	if _, err := tmp.WriteString(k + "\n"); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	// Link fails if another process got there first; then use its key.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return LoadOrCreateKey(dataDir)
		}
		return "", err
	}
	return k, nil
}

// Seal encrypts plaintext. ad, which may be nil, is bound to the box without
// being stored in it — e.g. "account:42:access" — so a box copied to another
// record does not open there.
func (b *Box) Seal(plaintext, ad []byte) (string, error) {
	k := b.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := append(append([]byte{}, k.id...), nonce...)
	out = k.aead.Seal(out, nonce, plaintext, aad(k.id, ad))
	return prefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a box sealed by Seal with the same ad, with whichever
// configured key sealed it.
func (b *Box) Open(box string, ad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(box, prefix)
	if !ok {
		return nil, ErrMalformed
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < idLen+chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, ErrMalformed
	}
	id, nonce, ct := raw[:idLen], raw[idLen:idLen+chacha20poly1305.NonceSizeX], raw[idLen+chacha20poly1305.NonceSizeX:]
	for _, k := range b.keys {
		if !bytes.Equal(k.id, id) {
			continue
		}
		pt, err := k.aead.Open(nil, nonce, ct, aad(k.id, ad))
		if err != nil {
			return nil, ErrTampered
		}
		return pt, nil
	}
	return nil, ErrWrongKey
}

// SealString and OpenString are Seal and Open for strings.
func (b *Box) SealString(plaintext, ad string) (string, error) {
	return b.Seal([]byte(plaintext), []byte(ad))
}

// OpenString opens a box sealed by SealString.
func (b *Box) OpenString(box, ad string) (string, error) {
	pt, err := b.Open(box, []byte(ad))
	return string(pt), err
}

// NeedsRotation reports whether box was sealed with an old key (or is not a
// box), so the caller can re-seal it with the current one.
func (b *Box) NeedsRotation(box string) bool {
	rest, ok := strings.CutPrefix(box, prefix)
	if !ok {
		return true
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	return err != nil || len(raw) < idLen || !bytes.Equal(raw[:idLen], b.keys[0].id)
}

func aad(id, ad []byte) []byte {
	return append(append([]byte(prefix), id...), ad...)
}
