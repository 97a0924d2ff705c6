package garble

import (
	"fmt"
	"unicode"
)

// Score is the verdict on one piece of text.
type Score struct {
	// Garbled reports whether the text looks mis-decoded.
	Garbled bool
	// Confidence is how sure the verdict is, 0.5 (a guess) to 1 (certain),
	// whichever way it went.
	Confidence float64
	// Reason names the strongest evidence, e.g. "38% private-use or
	// replacement characters"; for clean text it says so.
	Reason string
	// Bad is the share of non-space characters that look mis-decoded, 0..1.
	// Use it to compare two decodings of the same bytes: lower is better.
	Bad float64
}

// Thresholds, as shares of the judged characters. They are set well below
// what real mis-decodings produce (typically 40–100%) and well above what
// clean Chinese or Western text shows (under 1%), so that page-sized text is
// separated cleanly; see TestGarbleEval for the measured rates.
const (
	minJudged    = 8    // fewer non-space characters than this: too short to judge
	hardLimit    = 0.03 // U+FFFD, private-use, unassigned, control characters
	mojibakeMin  = 0.06 // Latin-1/CP1252 characters in runs of two or more
	rareHanLimit = 0.10 // Han characters outside the common set, of all Han
	rareHanMin   = 6    // and at least this many of them
	exoticLimit  = 0.15 // letters and marks of scripts unexpected together
	japaneseKana = 0.15 // this share of kana makes the text Japanese
)

// counts holds the tallies of one pass over the text.
type counts struct {
	judged   int // non-space characters
	hard     int // U+FFFD, private use, unassigned, controls
	mojibake int // high Latin-1/CP1252 characters adjacent to another one
	han      int
	rareHan  int
	exotic   int // letters/marks outside Han, Latin, kana, Hangul, Bopomofo, Common
	scripts  int // how many exotic scripts were seen
	isoHan   int // Han characters with junk on both sides
	kana     int // hiragana and katakana: Japanese text
}

// Of scores text. It is safe for concurrent use.
func Of(text string) Score {
	c := tally(text)
	if c.judged < minJudged {
		return Score{Confidence: 0.5, Reason: fmt.Sprintf("too short to judge (%d characters)", c.judged)}
	}
	n := float64(c.judged)
	hard := float64(c.hard) / n
	moj := float64(c.mojibake) / n
	exotic := float64(c.exotic) / n
	rare := 0.0
	// The common set is Chinese; Japanese kanji (続, 図) fall outside it, so
	// text with a Japanese share of kana is not judged by it. Mis-decoded
	// bytes produce kana only sparsely.
	if c.han > 0 && float64(c.kana) < japaneseKana*n {
		rare = float64(c.rareHan) / float64(c.han)
	}
	bad := float64(c.hard+c.mojibake+c.exotic+c.isoHan+c.rareHan) / n
	bad = min(bad, 1)

	type evidence struct {
		ratio, limit float64
		ok           bool
	}
	ev := [...]evidence{
		{hard, hardLimit, c.hard >= 2},
		{moj, mojibakeMin, c.mojibake >= 4},
		{rare, rareHanLimit, c.rareHan >= rareHanMin},
		{exotic, exoticLimit, c.exotic >= 4 && c.scripts >= 2},
	}
	best, bestMargin := -1, 0.0
	for i, e := range ev {
		if !e.ok || e.ratio <= e.limit {
			continue
		}
		if m := e.ratio / e.limit; m > bestMargin {
			best, bestMargin = i, m
		}
	}
	if best >= 0 {
		// Twice the limit is already far outside clean text.
		conf := min(0.5+0.25*bestMargin, 1)
		// Formatted only here: most pages are clean and need no reason.
		var reason string
		switch best {
		case 0:
			reason = fmt.Sprintf("%.0f%% replacement, private-use, unassigned or control characters", 100*hard)
		case 1:
			reason = fmt.Sprintf("%.0f%% Latin-1 mojibake runs (GBK bytes read as WinAnsi?)", 100*moj)
		case 2:
			reason = fmt.Sprintf("%.0f%% of Han characters outside the common set (UTF-8 or other bytes read as GBK?)", 100*rare)
		default:
			reason = fmt.Sprintf("%.0f%% letters from %d unrelated scripts (codes read as Unicode?)", 100*exotic, c.scripts)
		}
		return Score{Garbled: true, Confidence: conf, Reason: "garbled: " + reason, Bad: bad}
	}
	// Clean: confidence falls as the worst ratio nears its limit and as the
	// text gets shorter.
	worst := 0.0
	for _, e := range ev {
		worst = max(worst, e.ratio/e.limit)
	}
	conf := 1 - 0.5*min(worst, 1)
	if c.judged < 100 {
		conf *= 0.5 + 0.5*float64(c.judged)/100
	}
	return Score{Confidence: max(conf, 0.5), Reason: "clean", Bad: bad}
}

func tally(text string) counts {
	var c counts
	var seen [8]*unicode.RangeTable // exotic scripts seen so far (a handful at most matter)
	// prev and cur/next classes let one pass judge adjacency.
	var prevK, curK kind = kSpace, kSpace
	have := false
	step := func(nextK kind) {
		if have {
			switch curK {
			case kMoj:
				if prevK == kMoj || nextK == kMoj {
					c.mojibake++
				}
			case kHan:
				if isJunk(prevK) && isJunk(nextK) {
					c.isoHan++
				}
			}
		}
		prevK, curK = curK, nextK
		have = true
	}
	for _, r := range text {
		k := classify(r)
		switch k {
		case kSpace:
			step(k)
			continue
		case kHard:
			c.hard++
		case kExpected:
			if unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) {
				c.kana++
			}
		case kHan:
			c.han++
			if !isCommonHan(r) {
				c.rareHan++
			}
		case kExotic:
			c.exotic++
			if t := scriptOf(r); t != nil {
				known := false
				for _, s := range seen[:min(c.scripts, len(seen))] {
					if s == t {
						known = true
						break
					}
				}
				if !known {
					if c.scripts < len(seen) {
						seen[c.scripts] = t
					}
					c.scripts++
				}
			}
		}
		c.judged++
		step(k)
	}
	step(kSpace)
	return c
}

// kind is the class of a character for the tallies.
type kind uint8

const (
	kSpace    kind = iota
	kOther         // ASCII, digits, punctuation, common symbols
	kHard          // U+FFFD, private use, unassigned, control
	kMoj           // high Latin-1 or CP1252-only character
	kHan           // Han ideograph
	kExotic        // letter or mark of a script unexpected in a Chinese page
	kExpected      // kana, Hangul, Bopomofo, other Latin letters
)

func isJunk(k kind) bool { return k == kMoj || k == kHard || k == kExotic }

// cp1252Only are the characters CP1252 puts at 0x80–0x9F: GBK lead and trail
// bytes in that range become these when read as WinAnsi.
// Curly quotes, the em dash and the ellipsis are left out: Chinese text
// doubles them (——, ……) as ordinary punctuation.
const cp1252Only = "€‚ƒ„†‡ˆ‰Š‹ŒŽ•–˜™š›œžŸ"

func classify(r rune) kind {
	switch {
	case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0':
		return kSpace
	case r < 0x80:
		if r < 0x20 || r == 0x7f {
			return kHard
		}
		return kOther
	case r == unicode.ReplacementChar:
		return kHard
	case r < 0xA0:
		return kHard // C1 controls
	case r <= 0xFF:
		if r == '×' || r == '÷' || r == '·' || r == '§' || r == '°' || r == '±' || r == '©' || r == '®' {
			return kOther
		}
		return kMoj
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF, r >= 0x2000 && r <= 0x206F && !isCP1252Only(r):
		return kOther // CJK and full-width punctuation, general punctuation
	case r >= uroLo && r <= uroHi:
		// The bulk of a Chinese page: the table search below, skipped.
		return kHan
	case unicode.Is(unicode.Han, r):
		return kHan
	case isCP1252Only(r):
		return kMoj
	case unicode.Is(unicode.Co, r), unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cs, r):
		return kHard
	case !assigned(r):
		return kHard
	case unicode.Is(unicode.Latin, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r),
		unicode.Is(unicode.Hangul, r), unicode.Is(unicode.Bopomofo, r):
		return kExpected
	case unicode.IsLetter(r) || unicode.IsMark(r):
		if unicode.Is(unicode.Common, r) || unicode.Is(unicode.Variation_Selector, r) {
			return kOther
		}
		return kExotic
	}
	return kOther
}

// uroLo and uroHi bound the CJK Unified Ideographs block, all of it Han
// (TestUnifiedIdeographsAreHan).
const (
	uroLo = 0x4E00
	uroHi = 0x9FFF
)

func isCP1252Only(r rune) bool {
	for _, c := range cp1252Only {
		if c == r {
			return true
		}
	}
	return false
}

// assigned reports whether r is an assigned code point in Go's Unicode tables.
func assigned(r rune) bool {
	for _, t := range unicode.Categories {
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

// scriptOf returns the script table r belongs to, nil if none.
func scriptOf(r rune) *unicode.RangeTable {
	for _, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return t
		}
	}
	return nil
}
