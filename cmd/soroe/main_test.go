package main

import (
	"os"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/soroe/soroe"
)

// TestMain makes password hashing cheap. It is the only TestMain of package
// main: add other set-up here rather than writing a second one.
func TestMain(m *testing.M) {
	soroe.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	os.Exit(m.Run())
}
