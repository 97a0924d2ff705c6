package garble

// commonBits has one bit per code point from U+3400 to U+9FFF, set for the
// characters of commonHan. Built once at start-up from the generated list.
var commonBits = func() []uint64 {
	bits := make([]uint64, (hanHi-hanLo+64)/64)
	for _, r := range commonHan {
		if r >= hanLo && r <= hanHi {
			i := r - hanLo
			bits[i/64] |= 1 << (i % 64)
		}
	}
	return bits
}()

const (
	hanLo = 0x3400
	hanHi = 0x9FFF
)

// isCommonHan reports whether r is in the common Han set. Han characters
// outside U+3400–U+9FFF (compatibility ideographs, the supplementary planes)
// are never common.
func isCommonHan(r rune) bool {
	if r < hanLo || r > hanHi {
		return false
	}
	i := r - hanLo
	return commonBits[i/64]&(1<<(i%64)) != 0
}
