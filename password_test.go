package soroe_test

import (
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

func TestPassword(t *testing.T) {
	h, err := soroe.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash %q is not argon2id with the set parameters", h)
	}
	if !soroe.CheckPassword("correct horse", h) || soroe.CheckPassword("correct horsf", h) || soroe.CheckPassword("x", "") {
		t.Error("CheckPassword answers wrong")
	}
	for pw, want := range map[string]string{"short": "password_too_short", "長いパスワードです": "", strings.Repeat("a", 257): "password_too_long"} {
		if got := soroe.ErrorMessage(soroe.CheckPasswordPolicy(pw)); got != want {
			t.Errorf("policy(%q) = %q, want %q", pw, got, want)
		}
	}
}
