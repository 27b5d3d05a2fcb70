package main

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// mediaLoader gives the publisher a target's attachments: their bytes for
// networks that take uploads, and a public, signed link that expires
// (baseURL/m/<token>) for those that fetch media by URL (Instagram,
// Threads, Facebook, LINE). Without a public base URL or a secret key
// there is no link, and such networks refuse posts with media. base is
// read at each call (serve --demo learns its own address after listening).
func mediaLoader(db *store.DB, box *secretbox.Box, base func() string, now soroe.Clock) func(ctx context.Context, t *soroe.Target) ([]network.Media, error) {
	return func(ctx context.Context, t *soroe.Target) ([]network.Media, error) {
		baseURL := strings.TrimRight(base(), "/")
		ms, err := db.PostMedia(ctx, t.OrgID, t.PostID)
		if err != nil || len(ms) == 0 {
			return nil, err
		}
		out := make([]network.Media, len(ms))
		for i, m := range ms {
			id, org := m.ID, t.OrgID
			nm := network.Media{Filename: m.Filename, ContentType: m.ContentType, Size: m.Bytes, Alt: m.Alt,
				Open: func(ctx context.Context) (io.ReadCloser, error) {
					_, data, err := db.MediaData(ctx, org, id)
					if err != nil {
						return nil, err
					}
					return io.NopCloser(bytes.NewReader(data)), nil
				}}
			if baseURL != "" && box != nil {
				tok, err := workflow.MediaToken(box, id, now().Add(workflow.MediaLinkTTL))
				if err != nil {
					return nil, err
				}
				nm.URL = baseURL + "/m/" + tok
			}
			out[i] = nm
		}
		return out, nil
	}
}
