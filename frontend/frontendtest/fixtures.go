package frontendtest

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// Issue keys of the sample gazette, oldest first.
var (
	Issue2018 = gazette.IssueKey{Year: 2018, Number: 24}
	Issue2019 = gazette.IssueKey{Year: 2019, Number: 12}
	Supp2019  = gazette.IssueKey{Year: 2019, Number: 1, Supplement: true}
	Issue2020 = gazette.IssueKey{Year: 2020, Number: 1}
)

// paragraphs are the building blocks of sample bodies: the register of a
// provincial normative document.
var paragraphs = []string{
	"各市、县（区）人民政府，平潭综合实验区管委会，省人民政府各部门、各直属机构，各大企业，各高等院校：",
	"为深入贯彻落实党中央、国务院关于深化“放管服”改革的决策部署，进一步优化营商环境，激发市场主体活力，结合我省实际，现提出以下意见。",
	"一、总体要求。坚持以人民为中心的发展思想，以企业和群众办事便利为导向，全面推行审批服务“马上办、网上办、就近办、一次办”，到2020年底，省市县三级政务服务事项网上可办率不低于90%。",
	"二、主要任务。（一）精简审批事项。全面清理规范行政许可事项，凡是没有法律法规依据的一律取消；对保留的事项，逐项明确办理条件、办理时限和申请材料。（二）压缩办理时限。企业开办时间压缩至3个工作日以内，工程建设项目审批时间压缩至90个工作日以内。",
	"三、保障措施。各地各部门要高度重视，主要负责同志亲自抓，明确责任分工，细化工作措施，确保各项任务落到实处。省人民政府办公厅要加强督促检查，对工作推进不力的予以通报。",
	"本意见自印发之日起施行，有效期5年。此前有关规定与本意见不一致的，以本意见为准。",
}

type docSpec struct {
	section string
	kind    gazette.Kind
	title   string
	auth    []string
	agency  string // 机关代字; empty: no 文号
}

var specs = []docSpec{
	{"省政府令", gazette.KindRule, "福建省行政执法程序规定", []string{"福建省人民政府"}, "省政府令"},
	{"省政府文件", gazette.KindNormative, "福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知", []string{"福建省人民政府"}, "闽政"},
	{"省政府文件", gazette.KindDecision, "福建省人民政府关于公布取消和下放一批行政许可事项的决定", []string{"福建省人民政府"}, "闽政"},
	{"省政府文件", gazette.KindDecision, "福建省人民政府关于同意设立福州新区行政审批局的批复", []string{"福建省人民政府"}, "闽政文"},
	{"省政府办公厅文件", gazette.KindNormative, "福建省人民政府办公厅关于加强政务公开工作的实施意见", []string{"福建省人民政府办公厅"}, "闽政办"},
	{"省政府办公厅文件", gazette.KindNotice, "福建省人民政府办公厅关于做好2019年春节期间安全生产工作的通知", []string{"福建省人民政府办公厅"}, "闽政办"},
	{"省政府办公厅文件", gazette.KindNormative, "福建省人民政府办公厅 福建省财政厅关于进一步规范政府性基金管理的意见", []string{"福建省人民政府办公厅", "福建省财政厅"}, "闽政办"},
	{"部门文件", gazette.KindAnnouncement, "福建省市场监督管理局关于开展2019年度企业年报公示工作的公告", []string{"福建省市场监督管理局"}, "闽市监"},
	{"部门文件", gazette.KindNormative, "福建省自然资源厅关于规范土地储备管理工作的通知", []string{"福建省自然资源厅"}, "闽自然资规"},
	{"人事任免", gazette.KindAppointment, "福建省人民政府关于任免工作人员的通知", []string{"福建省人民政府"}, ""},
}

// departments are more 部门文件, for issues longer than specs.
var departments = []docSpec{
	{"部门文件", gazette.KindNormative, "福建省生态环境厅关于加强建设项目环境影响评价管理的通知", []string{"福建省生态环境厅"}, "闽环规"},
	{"部门文件", gazette.KindNormative, "福建省交通运输厅关于印发福建省农村公路养护管理办法的通知", []string{"福建省交通运输厅"}, "闽交规"},
	{"部门文件", gazette.KindNotice, "福建省教育厅关于做好普通高中招生工作的通知", []string{"福建省教育厅"}, "闽教"},
	{"部门文件", gazette.KindNormative, "福建省卫生健康委员会关于进一步加强基层医疗卫生机构建设的意见", []string{"福建省卫生健康委员会"}, "闽卫规"},
	{"部门文件", gazette.KindNormative, "福建省住房和城乡建设厅 福建省财政厅关于规范住宅专项维修资金管理的通知", []string{"福建省住房和城乡建设厅", "福建省财政厅"}, "闽建规"},
	{"部门文件", gazette.KindNormative, "福建省农业农村厅关于加快推进农业机械化发展的实施意见", []string{"福建省农业农村厅"}, "闽农规"},
	{"部门文件", gazette.KindAnnouncement, "福建省商务厅关于促进外贸稳定增长若干措施的公告", []string{"福建省商务厅"}, "闽商务"},
	{"部门文件", gazette.KindNotice, "福建省人力资源和社会保障厅关于调整全省最低工资标准的通知", []string{"福建省人力资源和社会保障厅"}, "闽人社"},
}

// specFor picks the document at position i of n: the specs in order, more
// 部门文件 when the issue is longer, and the appointments last, so that each
// section is printed in one run as in a real issue.
func specFor(i, n int) (docSpec, int) {
	last := len(specs) - 1
	switch {
	case i == n-1 && n > last:
		return specs[last], 0
	case i < last:
		return specs[i], 0
	}
	k := i - last
	return departments[k%len(departments)], k / len(departments)
}

// Sample builds one issue of the sample gazette with n documents (n ≥ 1):
// several sections, kinds and authorities, joint documents, a repealed
// document linking the one that repealed it, and bodies of realistic length.
func Sample(key gazette.IssueKey, n int) archivetest.Sample {
	base := archivetest.NewSample(key.Year, key.Number, n)
	s := base
	s.Issue.IssueKey = key
	if key.Supplement {
		s.Issue.TotalNumber = 0
	}
	page := 2
	for i := range s.Documents {
		d := &s.Documents[i]
		sp, round := specFor(i, n)
		d.ID, d.Issue = gazette.DocumentID(key, i+1), key
		d.Section, d.Kind, d.Authorities = sp.section, sp.kind, sp.auth
		d.Title = sp.title
		if round > 0 {
			d.Title = fmt.Sprintf("%s（之%d）", sp.title, round+1)
		}
		d.DocNumber = ""
		if sp.agency != "" {
			num := key.Number*100 + i + 1
			if key.Supplement {
				num += 50
			}
			if sp.kind == gazette.KindRule {
				d.DocNumber = fmt.Sprintf("%s第%d号", sp.agency, num)
			} else {
				d.DocNumber = fmt.Sprintf("%s〔%d〕%d号", sp.agency, key.Year, num)
			}
			if n, err := gazette.NormalizeDocNumber(d.DocNumber); err == nil {
				d.DocNumber = n
			} else {
				d.DocNumber = ""
			}
		}
		d.Signed = gazette.Date{Year: key.Year, Month: s.Issue.Published.Month(), Day: 1 + i%10}
		if d.Kind == gazette.KindAppointment {
			d.Signed = gazette.Date{}
		}
		d.Body = nil
		d.Body = append(d.Body, paragraphs[0])
		for j := 1; j < len(paragraphs); j++ {
			if (i+j)%4 != 0 {
				d.Body = append(d.Body, paragraphs[j])
			}
		}
		if d.Kind == gazette.KindRule {
			d.Effective = gazette.Date{Year: key.Year, Month: s.Issue.Published.Month(), Day: 28}
		}
		length := 1 + i%3
		d.Pages = gazette.PageRange{First: page, Last: page + length - 1}
		page += length
	}
	// In 2019 the second document cites others in its text (issue 20): the
	// rule of the same issue by title and 令 number (依据), a document of
	// 2018 by 文号, one the archive lacks, and a report, which is no
	// citation.
	if key == Issue2019 && n >= 3 {
		s.Documents[1].Body = append(s.Documents[1].Body,
			"根据《福建省行政执法程序规定》（省政府令第1201号），参照闽政〔2018〕2402号和《福建省行政许可实施办法》执行，并报送《年度工作报告》。")
	}
	// The second document was repealed by the third.
	if n >= 3 {
		s.Documents[1].Validity = gazette.Status{State: gazette.Repealed, Since: s.Documents[2].Signed, ChangedBy: s.Documents[2].ID}
	}
	s.Issue.PDF.Pages = page
	s.Issue.Contents = nil
	// The PDF differs per issue, so that issues are distinct content.
	s.PDF = bytes.Replace(base.PDF, []byte(gazette.IssueKey{Year: key.Year, Number: key.Number}.String()), []byte(key.String()), -1)
	return s
}

// Gazette is the sample gazette: four issues over three years, a supplement
// among them, with 12 to 24 documents each.
func Gazette() []archivetest.Sample {
	return []archivetest.Sample{
		Sample(Issue2018, 12),
		Sample(Issue2019, 24),
		Sample(Supp2019, 6),
		Sample(Issue2020, 16),
	}
}

// Publish publishes every sample into a.
func Publish(ctx context.Context, a *archive.Archive, samples ...archivetest.Sample) error {
	for _, s := range samples {
		if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			return fmt.Errorf("frontendtest: publish %s: %w", s.Issue.Key(), err)
		}
	}
	return nil
}

// Payloads are hostile strings: markup, attribute breakers, script URLs,
// template syntax, a bidirectional override.
var Payloads = []string{
	`<script>alert("x1")</script>`,
	`"><img src=x onerror=alert('x2')>`,
	`javascript:alert('x3')`,
	`</title><svg onload=alert('x4')>`,
	`{{.Secret}}{{template "x5"}}`,
	"\u202Eevil\u202C<b>x6</b>",
	`'><a href="javascript:alert(7)">x7</a>`,
}

// HostileKey is the issue of Hostile.
var HostileKey = gazette.IssueKey{Year: 2017, Number: 6}

// Hostile is an issue whose documents carry a payload in every free-text
// field: title, authorities, section, topic, index number, body.
func Hostile() archivetest.Sample {
	s := Sample(HostileKey, len(Payloads))
	s.Issue.Gazette = "福建省人民政府公报" + Payloads[3]
	for i := range s.Documents {
		p := Payloads[i]
		d := &s.Documents[i]
		d.Title = "关于" + p + "的通知"
		d.Authorities = []string{"福建省" + p}
		d.Section = "栏目" + p
		d.Topic = p
		d.IndexNumber = p
		d.Body = append([]string{"正文" + p + "营商环境" + p}, d.Body...)
	}
	return s
}

// Contains reports whether body holds any payload unescaped: the part of
// it that would be markup or script if a browser read it raw.
func Contains(body string) (string, bool) {
	for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>x6", "\u202E", `href="javascript:`, `<a href="javascript`, "onerror=alert('x2')>"} {
		if strings.Contains(body, bad) {
			return bad, true
		}
	}
	return "", false
}
