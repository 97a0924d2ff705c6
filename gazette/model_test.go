package gazette

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestIssueKey(t *testing.T) {
	cases := []struct {
		name   string
		key    IssueKey
		str    string
		label  string
		docID3 string
	}{
		{"regular", IssueKey{Year: 2019, Number: 12}, "2019-12", "2019年第12期", "2019-12-3"},
		{"first", IssueKey{Year: 1985, Number: 1}, "1985-1", "1985年第1期", "1985-1-3"},
		{"supplement", IssueKey{Year: 2020, Number: 1, Supplement: true}, "2020-s1", "2020年增刊第1期", "2020-s1-3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.key.String() != tc.str || tc.key.Label() != tc.label {
				t.Errorf("String, Label = %q, %q; want %q, %q", tc.key.String(), tc.key.Label(), tc.str, tc.label)
			}
			back, err := ParseIssueKey(tc.str)
			if err != nil || back != tc.key {
				t.Errorf("ParseIssueKey(%q) = %v, %v", tc.str, back, err)
			}
			id := DocumentID(tc.key, 3)
			k, seq, err := ParseDocumentID(id)
			if id != tc.docID3 || err != nil || k != tc.key || seq != 3 {
				t.Errorf("DocumentID = %q; parsed back %v %d %v", id, k, seq, err)
			}
		})
	}
	for _, bad := range []string{"", "2019", "2019-0", "1900-1", "2019-1000", "2019-x1", "19-1", "2019-12-", "../2019-1", "2019-s"} {
		if _, err := ParseIssueKey(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseIssueKey(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	for _, bad := range []string{"", "2019-12", "2019-12-0", "2019-12-a", "2019-12-1/../x", "2019-12-99999"} {
		if _, _, err := ParseDocumentID(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseDocumentID(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestIssueKeyOrder(t *testing.T) {
	ordered := []IssueKey{{2018, 24, false}, {2019, 1, false}, {2019, 2, false}, {2019, 10, false}, {2019, 1, true}, {2020, 1, false}}
	for i := range ordered {
		for j := range ordered {
			if got := ordered[i].Less(ordered[j]); got != (i < j) {
				t.Errorf("%s.Less(%s) = %v", ordered[i], ordered[j], got)
			}
		}
	}
}

func validDocument() Document {
	return Document{
		ID: "2019-12-3", Issue: IssueKey{Year: 2019, Number: 12},
		Title: "福建省人民政府关于加强政务公开工作的实施意见", Kind: KindNormative,
		DocNumber: "闽政〔2019〕14号", Authorities: []string{"福建省人民政府"},
		Signed: Date{2019, 4, 28}, Published: Date{2019, 5, 6}, Effective: Date{2019, 6, 1}, Expires: Date{2024, 5, 31},
		Validity: Status{State: InForce}, Body: []string{"各市、县（区）人民政府："}, Pages: PageRange{5, 9}, Version: 1,
	}
}

func TestDocumentValidate(t *testing.T) {
	if err := (&Document{}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("zero document: %v, want ErrInvalid", err)
	}
	d := validDocument()
	if err := d.Validate(); err != nil {
		t.Fatalf("valid document: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Document)
		field string
	}{
		{"no title", func(d *Document) { d.Title = "  " }, "title"},
		{"huge title", func(d *Document) { d.Title = strings.Repeat("长", MaxTitleRunes+1) }, "title"},
		{"bad kind", func(d *Document) { d.Kind = "law" }, "kind"},
		{"doc number not a number", func(d *Document) { d.DocNumber = "关于印发的通知" }, "doc_number"},
		{"doc number not canonical", func(d *Document) { d.DocNumber = "闽政[2019]14号" }, "doc_number"},
		{"ID of another issue", func(d *Document) { d.ID = "2019-11-3" }, "id"},
		{"malformed ID", func(d *Document) { d.ID = "../../etc" }, "id"},
		{"empty authority", func(d *Document) { d.Authorities = []string{""} }, "authorities[0]"},
		{"authority twice", func(d *Document) { d.Authorities = []string{"福建省人民政府", "福建省人民政府"} }, "authorities[1]"},
		{"published before signed", func(d *Document) { d.Published = Date{2019, 4, 1} }, "published_date"},
		{"expires before effective", func(d *Document) { d.Expires = Date{2019, 5, 1} }, "expiry_date"},
		{"date out of range", func(d *Document) { d.Signed = Date{1800, 1, 1}; d.Published = Date{} }, "signed_date"},
		{"unknown validity", func(d *Document) { d.Validity.State = "valid" }, "validity.state"},
		{"repealed without a link", func(d *Document) { d.Validity.State = Repealed }, "validity.changed_by"},
		{"changed by itself", func(d *Document) { d.Validity = Status{State: Amended, ChangedBy: d.ID} }, "validity.changed_by"},
		{"changed by garbage", func(d *Document) { d.Validity = Status{State: Amended, ChangedBy: "x"} }, "validity.changed_by"},
		{"no first page", func(d *Document) { d.Pages.First = 0 }, "pages"},
		{"pages backwards", func(d *Document) { d.Pages = PageRange{9, 5} }, "pages"},
		{"version 0", func(d *Document) { d.Version = 0 }, "version"},
		{"bad UTF-8 body", func(d *Document) { d.Body = []string{"\xff\xfe"} }, "body"},
		{"recipient empty", func(d *Document) { d.Recipients = []string{"各市、县（区）人民政府", ""} }, "recipients[1]"},
		{"cc twice", func(d *Document) { d.CC = []string{"省委办公厅", "省委办公厅"} }, "cc[1]"},
		{"signer padded", func(d *Document) { d.Signers = []string{" 张三"} }, "signers[0]"},
		{"registration on two lines", func(d *Document) { d.Registration = "HFGS—2016\n—3" }, "registration_number"},
		{"printed by padded", func(d *Document) { d.PrintedBy = "福建省人民政府办公厅 " }, "printed_by"},
		{"printed before signed", func(d *Document) { d.PrintDate = Date{2019, 4, 1} }, "print_date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := validDocument()
			tc.edit(&d)
			err := d.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			for _, fe := range ve {
				if fe.Field == tc.field {
					return
				}
			}
			t.Errorf("Validate = %v, does not name %s", err, tc.field)
		})
	}
	// An original's own fields, where it prints them, are fine.
	d = validDocument()
	d.Registration, d.Signers = "HFGS—2016—3", []string{"张三"}
	d.Recipients, d.CC = []string{"各市、县（区）人民政府", "省人民政府各部门"}, []string{"省委办公厅", "省人大常委会办公厅"}
	d.PrintedBy, d.PrintDate = "福建省人民政府办公厅", Date{2019, 4, 30}
	if err := d.Validate(); err != nil {
		t.Errorf("an original's fields: %v", err)
	}
	// Documents without 文号 (appointments) and repealed ones with a link are fine.
	d = validDocument()
	d.Kind, d.DocNumber = KindAppointment, ""
	d.Validity = Status{State: Repealed, Since: Date{2021, 1, 1}, ChangedBy: "2021-1-2"}
	if err := d.Validate(); err != nil {
		t.Errorf("appointment without 文号, repealed by a later document: %v", err)
	}
}

func TestIssueValidate(t *testing.T) {
	valid := func() Issue {
		return Issue{
			Gazette: "福建省人民政府公报", IssueKey: IssueKey{Year: 2019, Number: 12}, TotalNumber: 1000,
			Published: time.Date(2019, 6, 30, 9, 0, 0, 0, time.UTC),
			PDF:       PrintPDF{SHA256: strings.Repeat("ab", 32), Size: 1000, Pages: 40},
			Contents: []Entry{
				{ID: "2019-12-1", Title: "福建省人民政府令", Kind: KindRule, DocNumber: "福建省人民政府令第208号", Pages: PageRange{3, 8}},
				{ID: "2019-12-2", Title: "关于任免工作人员的通知", Kind: KindAppointment, Pages: PageRange{9, 9}},
			},
		}
	}
	is := valid()
	if err := is.Validate(); err != nil {
		t.Fatalf("valid issue: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Issue)
		field string
	}{
		{"no gazette", func(is *Issue) { is.Gazette = "" }, "gazette"},
		{"year", func(is *Issue) { is.Year = 1800 }, "year"},
		{"number", func(is *Issue) { is.Number = 0 }, "number"},
		{"total below number", func(is *Issue) { is.TotalNumber = 5 }, "total_number"},
		{"no publication time", func(is *Issue) { is.Published = time.Time{} }, "published"},
		{"published decades off", func(is *Issue) { is.Published = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }, "published"},
		{"bad sha", func(is *Issue) { is.PDF.SHA256 = "ABC" }, "pdf.sha256"},
		{"no size", func(is *Issue) { is.PDF.Size = 0 }, "pdf.size"},
		{"no pages", func(is *Issue) { is.PDF.Pages = 0 }, "pdf.pages"},
		{"empty contents", func(is *Issue) { is.Contents = nil }, "contents"},
		{"entry ID out of order", func(is *Issue) { is.Contents[1].ID = "2019-12-5" }, "contents[1].id"},
		{"entry beyond PDF", func(is *Issue) { is.Contents[1].Pages = PageRange{41, 42} }, "contents[1].pages"},
		{"entries out of print order", func(is *Issue) { is.Contents[1].Pages = PageRange{1, 2} }, "contents[1].pages"},
		{"entry bad 文号", func(is *Issue) { is.Contents[0].DocNumber = "第208号" }, "contents[0].doc_number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := valid()
			tc.edit(&is)
			err := is.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			for _, fe := range ve {
				if fe.Field == tc.field {
					return
				}
			}
			t.Errorf("Validate = %v, does not name %s", err, tc.field)
		})
	}
}

func TestParseKindAndValidity(t *testing.T) {
	for _, k := range Kinds {
		if got, err := ParseKind(k.Label()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.Label(), got, err)
		}
	}
	for _, v := range Validities {
		if got, err := ParseValidity(v.Label()); err != nil || got != v {
			t.Errorf("ParseValidity(%q) = %v, %v", v.Label(), got, err)
		}
	}
	if _, err := ParseKind("法律"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseKind(法律) = %v", err)
	}
	if _, err := ParseValidity("有效"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseValidity(有效) = %v", err)
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")", "+1": "'+1", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\tcmd": "'\tcmd", "关于…的通知": "关于…的通知", "": "", "闽政〔2019〕14号": "闽政〔2019〕14号",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}
