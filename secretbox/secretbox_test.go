package secretbox_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/soroe/soroe/secretbox"
)

const (
	keyA = "correct horse battery staple 0123456789"
	keyB = "another secret key that is long enough!!"
)

func mustBox(t *testing.T, cur string, old ...string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(cur, old...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cur  string
		old  []string
		err  error
	}{
		{"ok", keyA, nil, nil},
		{"exactly 32", strings.Repeat("a", 32), nil, nil},
		{"32 Japanese characters", strings.Repeat("鍵", 32), nil, nil},
		{"31", strings.Repeat("a", 31), nil, secretbox.ErrShortKey},
		{"unset", "", nil, secretbox.ErrNoKey},
		{"old unset is skipped", keyA, []string{""}, nil},
		{"short old", keyA, []string{"short"}, secretbox.ErrShortKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := secretbox.New(tt.cur, tt.old...)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	a := mustBox(t, keyA)
	box, err := a.SealString("ya29.access-トークン", "account:1:access")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(box, "v1:") || strings.Contains(box, "access-") {
		t.Fatalf("box %q", box)
	}
	again, _ := a.SealString("ya29.access-トークン", "account:1:access")
	if again == box {
		t.Fatal("nonce reused: two seals are identical")
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(box, "v1:"))
	raw[len(raw)-1] ^= 1
	tampered := "v1:" + base64.RawURLEncoding.EncodeToString(raw)

	tests := []struct {
		name string
		box  *secretbox.Box
		in   string
		ad   string
		want string
		err  error
	}{
		{"same key", a, box, "account:1:access", "ya29.access-トークン", nil},
		{"rotated: current B, old A", mustBox(t, keyB, keyA), box, "account:1:access", "ya29.access-トークン", nil},
		{"wrong key", mustBox(t, keyB), box, "account:1:access", "", secretbox.ErrWrongKey},
		{"other record", a, box, "account:2:access", "", secretbox.ErrTampered},
		{"tampered", a, tampered, "account:1:access", "", secretbox.ErrTampered},
		{"no prefix", a, strings.TrimPrefix(box, "v1:"), "account:1:access", "", secretbox.ErrMalformed},
		{"not base64", a, "v1:!!!", "", "", secretbox.ErrMalformed},
		{"truncated", a, box[:20], "account:1:access", "", secretbox.ErrMalformed},
		{"plain token", a, "ya29.access", "", "", secretbox.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.OpenString(tt.in, tt.ad)
			if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	old := mustBox(t, keyA)
	box, _ := old.Seal([]byte("refresh"), nil)
	both := mustBox(t, keyB, keyA)
	if !both.NeedsRotation(box) || old.NeedsRotation(box) {
		t.Fatal("NeedsRotation wrong")
	}
	pt, err := both.Open(box, nil)
	if err != nil {
		t.Fatal(err)
	}
	resealed, _ := both.Seal(pt, nil)
	if both.NeedsRotation(resealed) {
		t.Fatal("resealed box still needs rotation")
	}
	if _, err := mustBox(t, keyB).Open(resealed, nil); err != nil {
		t.Fatalf("after rotation the old key is not needed: %v", err)
	}
	if _, err := old.Open(resealed, nil); !errors.Is(err, secretbox.ErrWrongKey) {
		t.Fatalf("old key opened a new box: %v", err)
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := secretbox.Load(env(nil), dir, false); !errors.Is(err, secretbox.ErrNoKey) {
		t.Fatalf("no key outside demo: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, secretbox.KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("key file written outside demo mode")
	}
	if _, err := secretbox.Load(env(map[string]string{secretbox.EnvKey: "short"}), dir, true); !errors.Is(err, secretbox.ErrShortKey) {
		t.Fatalf("short env key in demo: %v", err)
	}
	b1, err := secretbox.Load(env(nil), dir, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, secretbox.KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", st, err)
	}
	box, _ := b1.Seal([]byte("t"), nil)
	b2, _ := secretbox.Load(env(nil), dir, true)
	if pt, err := b2.Open(box, nil); err != nil || string(pt) != "t" {
		t.Fatalf("restart lost the demo key: %v", err)
	}
	// An env key wins over the demo file.
	b3, _ := secretbox.Load(env(map[string]string{secretbox.EnvKey: keyA}), dir, true)
	if _, err := b3.Open(box, nil); !errors.Is(err, secretbox.ErrWrongKey) {
		t.Fatalf("env key did not win: %v", err)
	}
	e, _ := secretbox.FromEnv(env(map[string]string{secretbox.EnvKey: " " + keyA + "\n", secretbox.EnvOldKey: keyB}))
	if e == nil {
		t.Fatal("FromEnv")
	}
}

func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	keys := make([]string, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := secretbox.LoadOrCreateKey(dir)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys {
		if k != keys[0] || len(k) < secretbox.MinSecretLength {
			t.Fatalf("keys differ: %q", keys)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".secret.key-*"))
	if len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
	if err := os.WriteFile(filepath.Join(dir, secretbox.KeyFile), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secretbox.LoadOrCreateKey(dir); !errors.Is(err, secretbox.ErrShortKey) {
		t.Fatalf("short key file: %v", err)
	}
}
