package metricsimport

import (
	"bytes"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for _, format := range []string{FormatXContent, FormatGeneric, FormatMeta} {
		b.Run(format, func(b *testing.B) {
			var buf bytes.Buffer
			if err := WriteSample(&buf, format, 100_000, 1); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				n := 0
				_, err := Scan(bytes.NewReader(data), Options{}, func(r Record) error { n += len(r.Post.Readings); return nil })
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					b.Fatal("no readings")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/row")
		})
	}
}
