package gazette

import (
	"slices"
	"testing"
)

func TestHomeOf(t *testing.T) {
	cases := []struct {
		name, gazette string
		want          Home
		ok            bool
	}{
		{"province", "福建省人民政府公报", Home{"福建省", "省", "闽"}, true},
		{"another province", "广东省人民政府公报", Home{"广东省", "省", "粤"}, true},
		{"autonomous region", "广西壮族自治区人民政府公报", Home{"广西壮族自治区", "自治区", "桂"}, true},
		{"municipality", "重庆市人民政府公报", Home{"重庆市", "市", "渝"}, true},
		{"city", "厦门市人民政府公报", Home{"厦门市", "市", ""}, true},
		{"short name", "福建省政府公报", Home{"福建省", "省", "闽"}, true},
		{"no place", "政府公报", Home{}, false},
		{"empty", "", Home{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := HomeOf(tc.gazette)
			if got != tc.want || ok != tc.ok {
				t.Errorf("HomeOf(%q) = %+v, %v; want %+v, %v", tc.gazette, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLocalDocNumbers(t *testing.T) {
	cases := []struct {
		name, gazette, number string
		want                  []string
	}{
		{"省政府令 in a provincial gazette", "福建省人民政府公报", "省政府令 第241号", []string{"省政府令第241号", "福建省人民政府令第241号", "省人民政府令第241号"}},
		{"省人民政府令", "福建省人民政府公报", "省人民政府令第241号", []string{"省人民政府令第241号", "福建省人民政府令第241号", "省政府令第241号"}},
		{"本省政府令", "福建省人民政府公报", "本省政府令第241号", []string{"本省政府令第241号", "福建省人民政府令第241号", "省政府令第241号", "省人民政府令第241号"}},
		{"本府令", "福建省人民政府公报", "本府令第5号", []string{"本府令第5号", "福建省人民政府令第5号", "省政府令第5号", "省人民政府令第5号"}},
		{"place without 人民", "福建省人民政府公报", "福建省政府令第241号", []string{"福建省政府令第241号", "福建省人民政府令第241号", "省政府令第241号", "省人民政府令第241号"}},
		{"another province's gazette", "广东省人民政府公报", "省政府令第241号", []string{"省政府令第241号", "广东省人民政府令第241号", "省人民政府令第241号"}},
		{"市政府令 in a city gazette", "厦门市人民政府公报", "市政府令第180号", []string{"市政府令第180号", "厦门市人民政府令第180号", "市人民政府令第180号"}},
		{"市政府令 in a provincial gazette means nothing", "福建省人民政府公报", "市政府令第180号", []string{"市政府令第180号"}},
		{"the full form finds the short ones", "福建省人民政府公报", "福建省人民政府令第241号", []string{"福建省人民政府令第241号", "省政府令第241号", "省人民政府令第241号"}},
		{"another agency's order is left alone", "福建省人民政府公报", "交通运输部令2016年第62号", []string{"交通运输部令2016年第62号"}},
		{"code without the province's abbreviation", "福建省人民政府公报", "政办〔2019〕3号", []string{"政办〔2019〕3号", "闽政办〔2019〕3号"}},
		{"code with it", "福建省人民政府公报", "闽政办〔2019〕3号", []string{"闽政办〔2019〕3号"}},
		{"no abbreviation below a province", "厦门市人民政府公报", "政办〔2019〕3号", []string{"政办〔2019〕3号"}},
		{"a gazette without a place", "政府公报", "省政府令第241号", []string{"省政府令第241号"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := ParseDocNumber(tc.number)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range LocalDocNumbers(n, tc.gazette) {
				got = append(got, m.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("LocalDocNumbers(%s, %s) = %q, want %q", tc.number, tc.gazette, got, tc.want)
			}
		})
	}
}

func TestDigitNeighbours(t *testing.T) {
	n, _ := ParseDocNumber("闽政〔2019〕14号")
	got := map[string]bool{}
	for _, m := range DigitNeighbours(n) {
		if got[m.String()] {
			t.Errorf("%s given twice", m)
		}
		got[m.String()] = true
	}
	for _, want := range []string{"闽政〔2019〕15号", "闽政〔2019〕41号", "闽政〔2019〕4号", "闽政〔2018〕14号", "闽政〔2091〕14号"} {
		if !got[want] {
			t.Errorf("DigitNeighbours(%s) lacks %s", n, want)
		}
	}
	for _, not := range []string{"闽政〔2019〕14号", "闽政〔1019〕14号", "闽政〔219〕14号", "闽政〔2019〕140号"} {
		if got[not] {
			t.Errorf("DigitNeighbours(%s) holds %s", n, not)
		}
	}
	// The likelier typo first: a swap in the serial before a year apart.
	n17, _ := ParseDocNumber("国发〔2015〕17号")
	if ms := DigitNeighbours(n17); len(ms) == 0 || ms[0].String() != "国发〔2015〕71号" {
		t.Errorf("DigitNeighbours(%s) begins %v, want 国发〔2015〕71号 first", n17, ms[:min(3, len(ms))])
	}
	o, _ := ParseDocNumber("福建省人民政府令第208号")
	if ms := DigitNeighbours(o); !slices.ContainsFunc(ms, func(m DocNumber) bool { return m.String() == "福建省人民政府令第209号" }) {
		t.Errorf("DigitNeighbours(%s) = %v, lacks 第209号", o, ms)
	}
}

func TestOneAgencyCharApart(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"闽政〔2019〕14号", "闽府〔2019〕14号", true},
		{"闽政〔2019〕14号", "闽政办〔2019〕14号", true},
		{"闽政办〔2019〕14号", "闽政〔2019〕14号", true},
		{"闽政〔2019〕14号", "闽政〔2019〕14号", false},
		{"闽政〔2019〕14号", "闽政〔2019〕15号", false},
		{"闽政〔2019〕14号", "粤府办〔2019〕14号", false},
		{"福建省人民政府令第208号", "福建省政府令第208号", false},
		{"福建省人民政府令第208号", "福建省人民政府令第208号", false},
		{"厦门市人民政府令第208号", "福建省人民政府令第208号", false},
		{"福州市人民政府令第208号", "福建市人民政府令第208号", true},
	}
	for _, tc := range cases {
		a, _ := ParseDocNumber(tc.a)
		b, _ := ParseDocNumber(tc.b)
		if got := OneAgencyCharApart(a, b); got != tc.want {
			t.Errorf("OneAgencyCharApart(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestProvinceAbbrev(t *testing.T) {
	for s, want := range map[string]string{"广东省卫生健康委员会": "粤", "广西壮族自治区人民政府": "桂", "上海市人民政府": "沪", "广州市人民政府": "", "河南": "", "中共广东省委": ""} {
		if got, ok := ProvinceAbbrev(s); got != want || ok != (want != "") {
			t.Errorf("ProvinceAbbrev(%q) = %q, %v; want %q", s, got, ok, want)
		}
	}
	if !IsProvinceAbbrev('粤') || IsProvinceAbbrev('深') {
		t.Error("IsProvinceAbbrev")
	}
}
