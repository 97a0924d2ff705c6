package gazette

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

var dateAccepted = []struct {
	name string
	in   string
	want Date
}{
	{"Chinese form", "2019年4月28日", day(2019, 4, 28)},
	{"Chinese form, zero-padded", "2019年04月28日", day(2019, 4, 28)},
	{"Chinese numerals", "二〇一九年四月二十八日", day(2019, 4, 28)},
	{"Chinese numerals with ○", "二○一九年四月二十八日", day(2019, 4, 28)},
	{"Chinese numerals with 零", "二零一九年四月二十八日", day(2019, 4, 28)},
	{"Chinese numerals with digit 0", "二0一九年四月二十八日", day(2019, 4, 28)},
	{"Chinese numerals with letter O", "二O一九年四月二十八日", day(2019, 4, 28)},
	{"Chinese numerals with full-width O", "二Ｏ一九年四月二十八日", day(2019, 4, 28)},
	{"Chinese numerals, 1990s", "一九九八年一月一日", day(1998, 1, 1)},
	{"Chinese 十二月 三十一日", "二〇一九年十二月三十一日", day(2019, 12, 31)},
	{"Chinese 十月 十日", "二〇二〇年十月十日", day(2020, 10, 10)},
	{"Chinese 十一月 二十日", "二〇二〇年十一月二十日", day(2020, 11, 20)},
	{"Chinese 十五日", "二〇二〇年三月十五日", day(2020, 3, 15)},
	{"Chinese 廿八", "二〇二〇年三月廿八日", day(2020, 3, 28)},
	{"Chinese 卅一", "二〇二〇年三月卅一日", day(2020, 3, 31)},
	{"Chinese year, Arabic month and day", "二〇一九年4月28日", day(2019, 4, 28)},
	{"Arabic year, Chinese month", "2019年四月28日", day(2019, 4, 28)},
	{"dots", "2019.4.28", day(2019, 4, 28)},
	{"ISO", "2019-04-28", day(2019, 4, 28)},
	{"slashes", "2019/4/28", day(2019, 4, 28)},
	{"full-width digits", "２０１９年４月２８日", day(2019, 4, 28)},
	{"full-width ISO", "２０１９－０４－２８", day(2019, 4, 28)},
	{"full-width dots", "２０１９．４．２８", day(2019, 4, 28)},
	{"full-width slashes", "2019／4／28", day(2019, 4, 28)},
	{"spaces inside", "2019 年 4 月 28 日", day(2019, 4, 28)},
	{"ideographic spaces inside", "2019\u3000年\u30004\u3000月28日", day(2019, 4, 28)},
	{"zero-width inside", "2019\u200b年4\u200d月28\ufeff日", day(2019, 4, 28)},
	{"surrounding whitespace", " \t2019-04-28\n", day(2019, 4, 28)},
	{"leap day", "2020-02-29", day(2020, 2, 29)},
	{"leap day of a 400 year", "2000年2月29日", day(2000, 2, 29)},
	{"first day", "1949年10月1日", day(1949, 10, 1)},
	{"end of year", "2023/12/31", day(2023, 12, 31)},
}

var dateRefused = []struct {
	name, in, reason string
}{
	{"empty", "", "empty"},
	{"only spaces", " \u3000 ", "empty"},
	{"not a leap year", "2019-02-29", "day 29 outside 1–28"},
	{"1900 is not a leap year", "1900年2月29日", "day 29 outside"},
	{"month 13", "2019-13-01", "month 13 outside"},
	{"month 0", "2019-00-10", "month 0 outside"},
	{"day 31 in April", "2019-04-31", "day 31 outside 1–30"},
	{"day 0", "2019-04-00", "day 0 outside"},
	{"day 32", "2019年1月32日", "day 32 outside"},
	{"Chinese month 13", "二〇一九年十三月一日", "month 13 outside"},
	{"Chinese 四月三十一日", "二〇一九年四月三十一日", "day 31 outside"},
	{"Chinese 一十二月", "二〇一九年一十二月一日", "month \"一十二\" is not a number"},
	{"Chinese 〇月", "二〇一九年〇月一日", "is not a number"},
	{"Chinese nonsense day", "二〇一九年四月十十日", "is not a number"},
	{"Chinese 二十〇日", "二〇一九年四月二十〇日", "is not a number"},
	{"mixed separators", "2019-4/28", "mixed separators"},
	{"no separators", "20190428", "not a date"},
	{"no day", "2019年4月", "not a date"},
	{"no 日", "2019年4月28", "not a date"},
	{"no year", "四月二十八日", "not a date"},
	{"two-digit year", "19年4月28日", "not a date"},
	{"year zero", "0000-01-01", "year 0000 outside"},
	{"timestamp", "2019-04-28T08:00:00Z", "not a date"},
	{"trailing words", "2019年4月28日发布", "not a date"},
	{"three-digit day", "2019-04-028", "not a date"},
	{"plain text", "成文日期", "not a date"},
	{"HTML", "<time>2019-04-28</time>", "not a date"},
	{"invalid UTF-8", "2019-04-2\xff", "not valid UTF-8"},
	{"too long", strings.Repeat(" ", 100) + "2019-04-28", "longer than 64"},
}

func TestParseDate(t *testing.T) {
	for _, tc := range dateAccepted {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if back, err := ParseDate(got.String()); err != nil || back != got {
				t.Fatalf("String %q parses to %v, %v", got.String(), back, err)
			}
		})
	}
}

func TestParseDateRefusals(t *testing.T) {
	for _, tc := range dateRefused {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", tc.in, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error %q does not say %q", err, tc.reason)
			}
		})
	}
}

func TestDateMethods(t *testing.T) {
	d := day(2019, 4, 28)
	if got := d.String(); got != "2019-04-28" {
		t.Errorf("String() = %q", got)
	}
	if got := (Date{}).String(); got != "" {
		t.Errorf("zero String() = %q, want empty", got)
	}
	if d.IsZero() || !(Date{}).IsZero() {
		t.Error("IsZero is wrong")
	}
	cst := time.FixedZone("CST", 8*3600)
	tm := d.Time(cst)
	if want := time.Date(2019, 4, 28, 0, 0, 0, 0, cst); !tm.Equal(want) || tm.Location() != cst {
		t.Errorf("Time(CST) = %v, want %v", tm, want)
	}
	if got := d.Time(nil); !got.Equal(time.Date(2019, 4, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(nil) = %v, want midnight UTC", got)
	}
	// 2019-04-27 16:00 UTC is already the 28th in Beijing.
	if got := DateOf(time.Date(2019, 4, 27, 16, 0, 0, 0, time.UTC).In(cst)); got != d {
		t.Errorf("DateOf = %v, want %v", got, d)
	}
	if got := DateOf(tm); got != d {
		t.Errorf("DateOf(Time) = %v, want %v", got, d)
	}
	if got := ChineseYear(2010); got != "二〇一〇" {
		t.Errorf("ChineseYear(2010) = %q", got)
	}
}

func TestDateCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b Date
		want int
	}{
		{"equal", day(2019, 4, 28), day(2019, 4, 28), 0},
		{"year", day(2018, 12, 31), day(2019, 1, 1), -1},
		{"month", day(2019, 5, 1), day(2019, 4, 30), 1},
		{"day", day(2019, 4, 27), day(2019, 4, 28), -1},
		{"zero first", Date{}, day(1949, 10, 1), -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Compare(tc.b); got != tc.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := tc.b.Compare(tc.a); got != -tc.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tc.b, tc.a, got, -tc.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Signed Date `json:"signed"`
	}
	tests := []struct {
		name string
		in   doc
		json string
	}{
		{"date", doc{day(2019, 4, 28)}, `{"signed":"2019-04-28"}`},
		{"zero is null", doc{}, `{"signed":null}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil || string(b) != tc.json {
				t.Fatalf("Marshal = %s, %v; want %s", b, err, tc.json)
			}
			back := doc{Signed: day(1999, 9, 9)} // null must reset it
			if err := json.Unmarshal(b, &back); err != nil || back != tc.in {
				t.Fatalf("Unmarshal(%s) = %+v, %v", b, back, err)
			}
		})
	}
	refused := []struct{ name, json string }{
		{"printed form", `{"signed":"2019年4月28日"}`},
		{"not zero-padded", `{"signed":"2019-4-28"}`},
		{"invalid day", `{"signed":"2019-02-29"}`},
		{"empty string", `{"signed":""}`},
		{"number", `{"signed":20190428}`},
		{"timestamp", `{"signed":"2019-04-28T00:00:00Z"}`},
	}
	for _, tc := range refused {
		t.Run("refuse "+tc.name, func(t *testing.T) {
			var d doc
			err := json.Unmarshal([]byte(tc.json), &d)
			if err == nil {
				t.Fatalf("Unmarshal(%s) = %+v, want an error", tc.json, d)
			}
			var typeErr *json.UnmarshalTypeError
			if !errors.Is(err, ErrInvalid) && !errors.As(err, &typeErr) {
				t.Errorf("error %v wraps neither ErrInvalid nor a JSON type error", err)
			}
		})
	}
}

func TestDateText(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2020-02-29")); err != nil || d != day(2020, 2, 29) {
		t.Fatalf("UnmarshalText = %v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "2020-02-29" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := d.UnmarshalText(nil); err != nil || !d.IsZero() {
		t.Errorf("UnmarshalText(empty) = %v, %v; want zero", d, err)
	}
	if err := d.UnmarshalText([]byte("2020-0a-29")); !errors.Is(err, ErrInvalid) {
		t.Errorf("UnmarshalText(2020-0a-29) error = %v, want ErrInvalid", err)
	}
}

func TestFindDates(t *testing.T) {
	type found struct {
		text string
		want Date
	}
	tests := []struct {
		name string
		text string
		want []found
	}{
		{"law history line", "2014年11月24日 中华人民共和国国务院令第656号公布", []found{{"2014年11月24日", day(2014, 11, 24)}}},
		{"signature block", "福建省人民政府\n二〇一九年四月二十八日\n（此件主动公开）", []found{{"二〇一九年四月二十八日", day(2019, 4, 28)}}},
		{"two dates", "自2019年5月1日起施行，有效期至2024年4月30日。", []found{
			{"2019年5月1日", day(2019, 5, 1)}, {"2024年4月30日", day(2024, 4, 30)}}},
		{"numeric forms", "发布日期：2019-04-28 成文日期：2019/4/20", []found{
			{"2019-04-28", day(2019, 4, 28)}, {"2019/4/20", day(2019, 4, 20)}}},
		{"spaces and full width", "成文日期：２０１９ 年 ４ 月 ２８ 日", []found{{"２０１９ 年 ４ 月 ２８ 日", day(2019, 4, 28)}}},
		{"zero-width inside", "2019\u200b年4月28日", []found{{"2019\u200b年4月28日", day(2019, 4, 28)}}},
		{"invalid date skipped", "2019年2月30日 和 2019年3月1日", []found{{"2019年3月1日", day(2019, 3, 1)}}},
		{"glued to digits", "编号12019-04-281", nil},
		{"year and month only", "2019年4月", nil},
		{"document number is not a date", "闽政〔2019〕14号", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := FindDates(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("FindDates(%q) = %+v, want %d matches", tc.text, got, len(tc.want))
			}
			for i, m := range got {
				if s := tc.text[m.Start:m.End]; s != tc.want[i].text {
					t.Errorf("match %d covers %q, want %q", i, s, tc.want[i].text)
				}
				if m.Date != tc.want[i].want {
					t.Errorf("match %d = %v, want %v", i, m.Date, tc.want[i].want)
				}
			}
		})
	}
}

func FuzzParseDate(f *testing.F) {
	for _, tc := range dateAccepted {
		f.Add(tc.in)
	}
	for _, tc := range dateRefused {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseDate(%q): error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		// Any accepted date is a real calendar day and round-trips.
		if DateOf(d.Time(time.UTC)) != d {
			t.Fatalf("ParseDate(%q) = %+v: not a calendar day", s, d)
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("%q -> %v -> %v, %v", s, d, back, err)
		}
		var viaJSON Date
		b, _ := json.Marshal(d)
		if err := json.Unmarshal(b, &viaJSON); err != nil || viaJSON != d {
			t.Fatalf("JSON round trip of %v: %s -> %v, %v", d, b, viaJSON, err)
		}
	})
}

func FuzzFindDates(f *testing.F) {
	f.Add("2014年11月24日 中华人民共和国国务院令第656号公布")
	f.Add("福建省人民政府\n二〇一九年四月二十八日")
	f.Add("发布日期：2019-04-28 成文日期：2019/4/20")
	f.Fuzz(func(t *testing.T, text string) {
		last := 0
		for _, m := range FindDates(text) {
			if m.Start < last || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("bad offsets %d:%d after %d in %d bytes", m.Start, m.End, last, len(text))
			}
			last = m.End
			if d, err := ParseDate(text[m.Start:m.End]); err != nil || d != m.Date {
				t.Fatalf("text[%d:%d] = %q parses to %v, %v; want %v", m.Start, m.End, text[m.Start:m.End], d, err, m.Date)
			}
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	inputs := []string{"2019年4月28日", "二〇一九年四月二十八日", "2019-04-28", "成文日期"}
	for b.Loop() {
		for _, s := range inputs {
			_, _ = ParseDate(s)
		}
	}
}

// A Date that cannot be read back is never written: a draft saved with a
// release time left empty once stored published_date "0001-01-01" and
// broke every draft list after it.
func TestDateNeverWritesUnreadable(t *testing.T) {
	if got := DateOf(time.Time{}); !got.IsZero() {
		t.Errorf("DateOf(zero time) = %v, want the zero Date", got)
	}
	if got := DateOf(time.Time{}.In(time.FixedZone("CST", 8*3600))); !got.IsZero() {
		t.Errorf("DateOf(zero time in CST) = %v, want the zero Date", got)
	}
	for _, d := range []Date{{Year: 1, Month: 1, Day: 1}, {Year: 2019, Month: 2, Day: 29}, {Year: 2019, Month: 13, Day: 1}, {Year: 12345, Month: 1, Day: 1}} {
		if b, err := json.Marshal(d); !errors.Is(err, ErrInvalid) {
			t.Errorf("json.Marshal(%#v) = %s, %v; want ErrInvalid", d, b, err)
		}
		if b, err := d.MarshalText(); !errors.Is(err, ErrInvalid) {
			t.Errorf("MarshalText(%#v) = %s, %v; want ErrInvalid", d, b, err)
		}
	}
}

func TestDateChinese(t *testing.T) {
	for d, want := range map[Date]string{
		{Year: 2019, Month: 4, Day: 28}:  "二〇一九年四月二十八日",
		{Year: 2010, Month: 10, Day: 10}: "二〇一〇年十月十日",
		{Year: 2021, Month: 12, Day: 31}: "二〇二一年十二月三十一日",
		{Year: 1999, Month: 1, Day: 1}:   "一九九九年一月一日",
		{Year: 2015, Month: 11, Day: 15}: "二〇一五年十一月十五日",
	} {
		got := d.Chinese()
		if got != want {
			t.Errorf("%s.Chinese() = %s, want %s", d, got, want)
		}
		if back, err := ParseDate(got); err != nil || back != d {
			t.Errorf("ParseDate(%s) = %v, %v", got, back, err)
		}
	}
}

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{
		1: "一", 9: "九", 10: "十", 12: "十二", 20: "二十", 28: "二十八", 99: "九十九",
		100: "一百", 105: "一百零五", 110: "一百一十", 119: "一百一十九", 230: "二百三十", 999: "九百九十九", 1000: "1000",
	} {
		if got := ChineseNumber(n); got != want {
			t.Errorf("ChineseNumber(%d) = %s, want %s", n, got, want)
		}
	}
}
