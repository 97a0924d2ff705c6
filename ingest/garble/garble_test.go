package garble

import (
	"strings"
	"testing"
	"unicode"
)

func TestOf(t *testing.T) {
	clean := "第一条 为了规范政府公报的编辑出版工作，提高公报质量，根据有关法律、法规，结合本省实际，制定本办法。" +
		"第二条 本办法适用于本省行政区域内各级人民政府及其部门公报的编辑、出版、发行和管理。"
	tests := []struct {
		name    string
		text    string
		garbled bool
		reason  string // substring of Reason
	}{
		{"clean Chinese", clean, false, "clean"},
		{"clean English", "The Secretary shall publish the notice in the Federal Register within 30 days of the date of enactment.", false, "clean"},
		{"clean with Latin-1 accents", "Le règlement général s'applique à toutes les entités établies dans l'Union européenne depuis mai.", false, "clean"},
		{"Chinese doubled punctuation", "他说——这是“规定”……以及‘条款’——" + clean, false, "clean"},
		{"clean Japanese", "電線接続端子部が次のいずれにも該当しないとき。ねじ止め端子であること。ねじなし端子であって、工具を用いずに電線の接続を行うことができる速結端子", false, "clean"},
		{"clean traditional", "行政院公報第十八卷第五十期中華民國一百零一年八月二十九日財政部令修正營利事業所得稅查核準則", false, "clean"},
		{"too short", "ÄãºÃ", false, "too short"},
		{"GBK read as WinAnsi", "ÖÐ»ªÈËÃñ¹²ºÍ¹úÐÌ·¨ µÚÒ»Ìõ ÎªÁË³Í·£·¸×ï£¬±£»¤ÈËÃñ", true, "Latin-1"},
		{"replacement characters", strings.Repeat("第\uFFFD\uFFFD条", 10), true, "replacement"},
		{"private use", strings.Repeat("\uE001\uE002\uE003规定", 10), true, "private-use"},
		{"UTF-8 read as GBK", "涓崕浜烘皯鍏卞拰鍥藉垜娉 绗竴鏉 涓轰簡鎯╃綒鐘姜锛屼繚鎶や汉姘", true, "Han"},
		{"glyph ids read as Unicode", "ɑ̂ĳ˂ͅΒϐЇѸҗӡԓ՛ֈזטأبة", true, "scripts"},
		{"C0 controls", "\x01\x02\x03\x04\x05\x06\x07\x08 abc def", true, "control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Of(tt.text)
			if got.Garbled != tt.garbled {
				t.Fatalf("Of(%q) = %+v, want garbled=%v", tt.text, got, tt.garbled)
			}
			if !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to mention %q", got.Reason, tt.reason)
			}
			if got.Confidence < 0.5 || got.Confidence > 1 {
				t.Errorf("Confidence = %v, want 0.5..1", got.Confidence)
			}
		})
	}
}

func TestBadOrdersDecodings(t *testing.T) {
	good := Of("全世界无产者，联合起来！这是中华人民共和国的法律。")
	bad := Of("È«ÊÀ½çÎÞ²úÕß£¬ÁªºÏÆðÀ´£¡ÕâÊÇÖÐ»ªÈËÃñ¹²ºÍ¹úµÄ·¨ÂÉ¡£")
	if good.Bad >= bad.Bad {
		t.Fatalf("Bad: clean %v >= mojibake %v", good.Bad, bad.Bad)
	}
}

func BenchmarkOf(b *testing.B) {
	text := strings.Repeat("第一条 为了规范政府公报的编辑出版工作，提高公报质量，根据有关法律、法规，制定本办法。", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Of(text)
	}
}

func TestUnifiedIdeographsAreHan(t *testing.T) {
	for r := rune(uroLo); r <= uroHi; r++ {
		if !unicode.Is(unicode.Han, r) {
			t.Fatalf("U+%04X is in the unified block but not Han in Go's tables: drop classify's shortcut", r)
		}
	}
}
