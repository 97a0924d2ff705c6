package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// TestOriginalFields shows what an agency's original prints around its
// text (registration number, 签发人, 主送, 抄送, 印发机关 and 印发日期) on the
// document's page and in its JSON, and leaves them out where a document
// has none.
func TestOriginalFields(t *testing.T) {
	s := frontendtest.Sample(frontendtest.Issue2019, 2)
	d := &s.Documents[0]
	d.Registration, d.Signers = "HFGS—2016—3", []string{"张三", "李四"}
	d.Recipients = []string{"各市、县（区）人民政府", "省人民政府各部门"}
	d.CC = []string{"省委办公厅", "省人大常委会办公厅"}
	d.PrintedBy, d.PrintDate = "福建省人民政府办公厅", d.Signed
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	if err := frontendtest.Publish(context.Background(), a, s); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	page := do(h, http.MethodGet, "/documents/"+d.ID)
	if page.Code != http.StatusOK {
		t.Fatalf("document page: %d", page.Code)
	}
	body := page.Body.String()
	for _, want := range []string{"登记号", "HFGS—2016—3", "签发人", "张三、李四", "主送", "各市、县（区）人民政府，省人民政府各部门",
		"抄送", "省委办公厅，省人大常委会办公厅", "<dt>印发</dt><dd>福建省人民政府办公厅 "} {
		if !strings.Contains(body, want) {
			t.Errorf("document page lacks %q", want)
		}
	}
	api := do(h, http.MethodGet, "/api/v1/documents/"+d.ID)
	var got map[string]any
	if err := json.Unmarshal(api.Body.Bytes(), &got); err != nil {
		t.Fatalf("API: %v: %s", err, api.Body)
	}
	if got["registration_number"] != "HFGS—2016—3" || got["printed_by"] != "福建省人民政府办公厅" || got["print_date"] != d.PrintDate.String() {
		t.Errorf("API: registration %v, printed by %v, print date %v", got["registration_number"], got["printed_by"], got["print_date"])
	}
	if cc, _ := got["cc"].([]any); len(cc) != 2 {
		t.Errorf("API: cc %v", got["cc"])
	}
	other := do(h, http.MethodGet, "/documents/"+s.Documents[1].ID).Body.String()
	for _, absent := range []string{"登记号", "签发人", "<dt>抄送</dt>", "<dt>印发</dt>"} {
		if strings.Contains(other, absent) {
			t.Errorf("a document without an original's fields shows %q", absent)
		}
	}
}
