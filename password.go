package soroe

import (
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// PasswordParams are the argon2id parameters for new hashes (64 MiB, one
// pass, two lanes: RFC 9106's second recommendation scaled to a small
// server). Stored hashes carry their own parameters, so raising these later
// keeps old passwords working. Tests lower them to stay fast.
var PasswordParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// Password length limits, in characters.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// CheckPasswordPolicy reports a password that is too short or too long.
func CheckPasswordPolicy(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return Invalid("password", "password_too_short")
	}
	if n > MaxPasswordLen {
		return Invalid("password", "password_too_long")
	}
	return nil
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	if err := CheckPasswordPolicy(pw); err != nil {
		return "", err
	}
	return argon2id.CreateHash(pw, PasswordParams)
}

// dummyHash is compared against when an account does not exist, so that a
// login for an unknown email takes as long as one for a known email.
var dummyHash, _ = argon2id.CreateHash("soroe-no-such-user", PasswordParams)

// CheckPassword reports whether pw matches hash. An empty hash (no such user)
// still costs one hash computation.
func CheckPassword(pw, hash string) bool {
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(pw, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}
