package bluesky

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// base32-sortable, the alphabet of atproto TIDs.
const tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// RecordKey derives the record key of a post from its idempotency key and
// creation time, so that every attempt of one target writes the same
// at://did/app.bsky.feed.post/<rkey> and the PDS cannot hold two copies.
//
// app.bsky.feed.post records are keyed by TID ("key": "tid" in the lexicon):
// 13 base32-sortable characters encoding a 64-bit integer whose top bit is 0,
// the next 53 bits microseconds since the Unix epoch and the last 10 a
// "clock identifier". The timestamp is createdAt to the millisecond; the
// sub-millisecond microseconds and the clock identifier (20 bits in all)
// come from SHA-256 of the idempotency key, so two posts created in the
// same millisecond on one account collide only with odds of 1 in a million.
func RecordKey(idempotencyKey string, createdAt time.Time) string {
	h := sha256.Sum256([]byte(idempotencyKey))
	n := binary.BigEndian.Uint64(h[:8])
	us := uint64(createdAt.UnixMilli())*1000 + n%1000
	clock := (n / 1000) & 0x3ff
	v := (us&(1<<53-1))<<10 | clock
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}
