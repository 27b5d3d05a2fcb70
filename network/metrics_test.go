package network_test

import (
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

func TestEngagementSum(t *testing.T) {
	tests := []struct {
		name string
		in   []soroe.Reading
		want *int64
	}{
		{"none", nil, nil},
		{"only unavailable parts", []soroe.Reading{network.NotAvailable(soroe.PostLikes, soroe.UnavailableNotGiven)}, nil},
		{"impressions are not a part", []soroe.Reading{network.Count(soroe.PostImpressions, 900)}, nil},
		{"parts summed, the rest ignored", []soroe.Reading{
			network.Count(soroe.PostImpressions, 900), network.Count(soroe.PostLikes, 10), network.Count(soroe.PostReplies, 2),
			network.NotAvailable(soroe.PostLinkClicks, soroe.UnavailableNotGiven), network.Count(soroe.PostBookmarks, 0),
			network.Count(soroe.PostViews, 50)}, ptr(12)},
	}
	for _, tt := range tests {
		got := network.EngagementSum(tt.in)
		if got.Metric != soroe.PostEngagements {
			t.Fatalf("%s: metric %s", tt.name, got.Metric)
		}
		switch {
		case tt.want == nil && (got.Value != nil || got.Unavailable != soroe.UnavailableNotGiven):
			t.Errorf("%s: got %+v, want not given", tt.name, got)
		case tt.want != nil && (got.Value == nil || *got.Value != *tt.want):
			t.Errorf("%s: got %+v, want %d", tt.name, got, *tt.want)
		}
	}
}

func ptr(v int64) *int64 { return &v }
