package pdfw

// G4 compresses a black-and-white image as CCITT Group 4 (ITU-T T.6), the
// data of a /CCITTFaxDecode image with /K -1 and the default /BlackIs1
// false: pix holds w×h pixels a row after another, a value below 128
// black, the rest white. The data ends with an end-of-facsimile-block.
func G4(pix []uint8, w, h int) []byte {
	var bw bitWriter
	// Changing elements of the reference and coding lines, each padded
	// with w so that every lookup past the last finds the line's end.
	ref := append(make([]int, 0, 64), w, w, w)
	cur := make([]int, 0, 64)
	for y := range h {
		cur = changes(pix[y*w:(y+1)*w], cur[:0])
		cur = append(cur, w, w, w)
		a0, black := -1, false
		ai, bi := 0, 0
		for a0 < w {
			for cur[ai] <= a0 {
				ai++
			}
			a1, a2 := cur[ai], cur[ai+1]
			// b1: the first change right of a0 to the colour opposite
			// a0's; changes to black sit at even indices.
			for bi > 0 && ref[bi-1] > a0 {
				bi--
			}
			for ref[bi] <= a0 {
				bi++
			}
			if (bi%2 == 1) != black {
				bi++
			}
			b1, b2 := ref[bi], ref[bi+1]
			switch {
			case b2 < a1:
				bw.code(modePass)
				a0 = b2
			case a1-b1 >= -3 && a1-b1 <= 3:
				bw.code(modeV[a1-b1+3])
				a0, black = a1, !black
			default:
				bw.code(modeH)
				bw.run(a1-max(a0, 0), black)
				bw.run(a2-a1, !black)
				a0 = a2
			}
		}
		ref, cur = cur, ref
	}
	bw.code(eol)
	bw.code(eol)
	return bw.bytes()
}

// changes appends to out the positions where a row changes colour,
// starting from white: first to black, then to white, and so on.
func changes(row []uint8, out []int) []int {
	white := true
	for x, v := range row {
		if (v < 128) == white {
			out = append(out, x)
			white = !white
		}
	}
	return out
}

// bitWriter writes codes most significant bit first.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (b *bitWriter) code(c string) {
	for i := 0; i < len(c); i++ {
		b.acc = b.acc<<1 | uint64(c[i]-'0')
		b.nacc++
		if b.nacc == 8 {
			b.out = append(b.out, byte(b.acc))
			b.acc, b.nacc = 0, 0
		}
	}
}

// run writes a run length of one colour: make-up codes, then a
// terminating code.
func (b *bitWriter) run(n int, black bool) {
	term, makeup := whiteTerm, whiteMakeup
	if black {
		term, makeup = blackTerm, blackMakeup
	}
	for n >= 2560 {
		b.code(extMakeup[len(extMakeup)-1])
		n -= 2560
	}
	if n >= 64 {
		m := n / 64
		if m <= len(makeup) {
			b.code(makeup[m-1])
		} else {
			b.code(extMakeup[m-len(makeup)-1])
		}
		n -= m * 64
	}
	b.code(term[n])
}

func (b *bitWriter) bytes() []byte {
	if b.nacc > 0 {
		b.out = append(b.out, byte(b.acc<<(8-b.nacc)))
		b.acc, b.nacc = 0, 0
	}
	return b.out
}

// Codes of ITU-T T.4 and T.6, as bit strings.
const (
	modePass = "0001"
	modeH    = "001"
	eol      = "000000000001"
)

// modeV are the vertical modes by a1 − b1 + 3: VL3 … V0 … VR3.
var modeV = [7]string{"0000010", "000010", "010", "1", "011", "000011", "0000011"}

var whiteTerm = [64]string{
	"00110101", "000111", "0111", "1000", "1011", "1100", "1110", "1111",
	"10011", "10100", "00111", "01000", "001000", "000011", "110100", "110101",
	"101010", "101011", "0100111", "0001100", "0001000", "0010111", "0000011", "0000100",
	"0101000", "0101011", "0010011", "0100100", "0011000", "00000010", "00000011", "00011010",
	"00011011", "00010010", "00010011", "00010100", "00010101", "00010110", "00010111", "00101000",
	"00101001", "00101010", "00101011", "00101100", "00101101", "00000100", "00000101", "00001010",
	"00001011", "01010010", "01010011", "01010100", "01010101", "00100100", "00100101", "01011000",
	"01011001", "01011010", "01011011", "01001010", "01001011", "00110010", "00110011", "00110100",
}

// whiteMakeup and blackMakeup are the make-up codes of 64, 128, … 1728.
var whiteMakeup = [27]string{
	"11011", "10010", "010111", "0110111", "00110110", "00110111", "01100100", "01100101",
	"01101000", "01100111", "011001100", "011001101", "011010010", "011010011", "011010100", "011010101",
	"011010110", "011010111", "011011000", "011011001", "011011010", "011011011", "010011000", "010011001",
	"010011010", "011000", "010011011",
}

var blackTerm = [64]string{
	"0000110111", "010", "11", "10", "011", "0011", "0010", "00011",
	"000101", "000100", "0000100", "0000101", "0000111", "00000100", "00000111", "000011000",
	"0000010111", "0000011000", "0000001000", "00001100111", "00001101000", "00001101100", "00000110111", "00000101000",
	"00000010111", "00000011000", "000011001010", "000011001011", "000011001100", "000011001101", "000001101000", "000001101001",
	"000001101010", "000001101011", "000011010010", "000011010011", "000011010100", "000011010101", "000011010110", "000011010111",
	"000001101100", "000001101101", "000011011010", "000011011011", "000001010100", "000001010101", "000001010110", "000001010111",
	"000001100100", "000001100101", "000001010010", "000001010011", "000000100100", "000000110111", "000000111000", "000000100111",
	"000000101000", "000001011000", "000001011001", "000000101011", "000000101100", "000001011010", "000001100110", "000001100111",
}

var blackMakeup = [27]string{
	"0000001111", "000011001000", "000011001001", "000001011011", "000000110011", "000000110100", "000000110101", "0000001101100",
	"0000001101101", "0000001001010", "0000001001011", "0000001001100", "0000001001101", "0000001110010", "0000001110011", "0000001110100",
	"0000001110101", "0000001110110", "0000001110111", "0000001010010", "0000001010011", "0000001010100", "0000001010101", "0000001011010",
	"0000001011011", "0000001100100", "0000001100101",
}

// extMakeup are the make-up codes of 1792, 1856, … 2560, the same for both
// colours.
var extMakeup = [13]string{
	"00000001000", "00000001100", "00000001101", "000000010010", "000000010011", "000000010100", "000000010101",
	"000000010110", "000000010111", "000000011100", "000000011101", "000000011110", "000000011111",
}
