package scantest

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"
)

func TestCharAccuracy(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		acc       float64
	}{
		{name: "identical", want: "福建省人民政府", got: "福建省人民政府", acc: 1},
		{name: "spaces and breaks ignored", want: "福建省\n人民政府", got: "福 建 省 人民政府", acc: 1},
		{name: "one substitution", want: "闽政〔2019〕14号", got: "闽政〔2019〕l4号", acc: 1 - 1.0/11},
		{name: "one deletion", want: "二〇一九年", got: "二〇九年", acc: 0.8},
		{name: "empty output", want: "通知", got: "", acc: 0},
		{name: "longer garbage floors at zero", want: "通知", got: "abcdefgh", acc: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CharAccuracy(tc.want, tc.got); got < tc.acc-1e-9 || got > tc.acc+1e-9 {
				t.Errorf("CharAccuracy(%q, %q) = %v, want %v", tc.want, tc.got, got, tc.acc)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	got := Wrap("第一条 为了规范\n公报管理，制定本办法。", 5)
	want := []string{"第一条为了", "规范公报管", "理，制定本", "办法。"}
	if len(got) != len(want) {
		t.Fatalf("Wrap = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestBomb(t *testing.T) {
	const size = 64 << 20
	pdf := Bomb(size)
	i := bytes.Index(pdf, []byte("stream\n"))
	j := bytes.LastIndex(pdf, []byte("\nendstream"))
	zr, err := zlib.NewReader(bytes.NewReader(pdf[i+len("stream\n") : j]))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		t.Fatalf("inflating the bomb: %v after %d bytes", err, n)
	}
	if n != size {
		t.Errorf("inflates to %d bytes, want %d", n, size)
	}
	if ratio := n / int64(len(pdf)); ratio < 500 {
		t.Errorf("ratio %d:1, want a bomb", ratio)
	}
}
