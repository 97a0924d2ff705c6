package pdfw

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/ccitt"
)

// TestG4RoundTrip decodes what G4 encodes with golang.org/x/image/ccitt.
func TestG4RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		w, h int
		fill func(x, y int) bool // black
	}{
		{"white", 40, 3, func(x, y int) bool { return false }},
		{"black", 40, 3, func(x, y int) bool { return true }},
		{"first column black", 9, 4, func(x, y int) bool { return x == 0 }},
		{"last column black", 9, 4, func(x, y int) bool { return x == 8 }},
		{"checkers", 31, 17, func(x, y int) bool { return (x+y)%2 == 0 }},
		{"diagonal", 64, 64, func(x, y int) bool { return x/3 == y/3 }},
		{"long runs", 5000, 3, func(x, y int) bool { return x > 70+y*1300 && x < 4900-y }},
		{"noise", 300, 120, func(x, y int) bool { return rng.IntN(7) == 0 }},
		{"blobs", 333, 90, func(x, y int) bool { return (x/11+y/7)%3 == 0 || rng.IntN(40) == 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pix := make([]uint8, tc.w*tc.h)
			for y := range tc.h {
				for x := range tc.w {
					if !tc.fill(x, y) {
						pix[y*tc.w+x] = 255
					}
				}
			}
			data := G4(pix, tc.w, tc.h)
			got := image.NewGray(image.Rect(0, 0, tc.w, tc.h))
			if err := ccitt.DecodeIntoGray(got, bytes.NewReader(data), ccitt.MSB, ccitt.Group4, nil); err != nil {
				t.Fatalf("decode: %v", err)
			}
			for i := range pix {
				if (pix[i] < 128) != (got.Pix[i] < 128) {
					t.Fatalf("pixel (%d, %d): want black %v", i%tc.w, i/tc.w, pix[i] < 128)
				}
			}
		})
	}
}
