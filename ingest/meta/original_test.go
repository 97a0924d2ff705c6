package meta

import (
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/layout"
)

// centred marks a line with '~', right-set lines with '>', as paras does.
func origParas(lines ...string) []layout.Paragraph {
	var out []layout.Paragraph
	for _, l := range lines {
		p := layout.Paragraph{Page: 1, PageEnd: 1}
		switch {
		case strings.HasPrefix(l, "~"):
			l, p.Align, p.Heading = l[1:], layout.AlignCentre, true
		case strings.HasPrefix(l, ">"):
			l, p.Align = l[1:], layout.AlignRight
		default:
			p.Align = layout.AlignIndent
		}
		p.Text = l
		out = append(out, p)
	}
	return out
}

func TestExtractOriginal(t *testing.T) {
	tests := []struct {
		name  string
		paras []layout.Paragraph
		want  Document
	}{
		{"registration, mark, number, title over two lines, 版记", origParas(
			">HFGS—2015—31",
			"~惠州市人民政府文件",
			"~惠府〔2015〕158 号",
			"~惠州市人民政府关于印发",
			"~《惠州市社会基本医疗保险办法》的通知",
			"各县、区人民政府，市政府各部门、各直属机构：",
			"《惠州市社会基本医疗保险办法》业经十一届 118 次市政府常务会议通过。现印发给你们，请按照执行。",
			">惠州市人民政府",
			">2015 年 11 月 5 日",
			"~惠州市社会基本医疗保险办法",
			"第一条　为进一步完善我市社会基本医疗保险制度建设，制定本办法。",
			"公开方式：主动公开",
			"抄送：市委有关部委办局，市人大常委会办公室，市政协办公室，市",
			">纪委办公室，市中级法院、市检察院，驻惠部队、惠州军分区。",
			"惠州市人民政府办公室",
			">2015 年 11 月 5 日印发"),
			Document{Title: "惠州市人民政府关于印发《惠州市社会基本医疗保险办法》的通知", DocNumber: "惠府〔2015〕158号",
				Authorities: []string{"惠州市人民政府"}, Signed: gazette.Date{Year: 2015, Month: 11, Day: 5},
				Registration: "HFGS—2015—31", Recipients: []string{"各县、区人民政府", "市政府各部门、各直属机构"},
				CC:        []string{"市委有关部委办局", "市人大常委会办公室", "市政协办公室", "市纪委办公室", "市中级法院、市检察院", "驻惠部队、惠州军分区"},
				PrintedBy: "惠州市人民政府办公室", PrintDate: gazette.Date{Year: 2015, Month: 11, Day: 5}, Note: "公开方式：主动公开"}},
		{"joint issuers stacked, 签发人, Chinese date, 附注", origParas(
			"l'",
			"000123",
			"机密★1年",
			"特急",
			"~广东省教育厅",
			"~广东省发展和改革委员会",
			"~广东省公安厅",
			"~文件",
			"粤教考〔2015〕14号　　签发人：王创　李红",
			"~关于做好2016年进城务工人员随迁子女",
			"~在广东省参加高考有关工作的通知",
			"各地级以上市教育局、发展改革局（委）、",
			"公安局：",
			"现将有关事项通知如下。",
			">广东省教育厅　　广东省发展和改革委员会",
			">广东省公安厅",
			">二〇一五年三月十六日",
			"（此件主动公开）",
			"抄送：教育部，省政府办公厅。",
			"广东省教育厅办公室　　2015年3月18日印发"),
			Document{Title: "关于做好2016年进城务工人员随迁子女在广东省参加高考有关工作的通知", DocNumber: "粤教考〔2015〕14号",
				Authorities: []string{"广东省教育厅", "广东省发展和改革委员会", "广东省公安厅"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 16},
				Signers: []string{"王创", "李红"}, Recipients: []string{"各地级以上市教育局、发展改革局（委）、公安局"}, Note: "（此件主动公开）",
				CC: []string{"教育部", "省政府办公厅"}, PrintedBy: "广东省教育厅办公室", PrintDate: gazette.Date{Year: 2015, Month: 3, Day: 18},
				CopyNumber: "000123", Secrecy: "机密★1年", Urgency: "特急"}},
		{"a scan: names joined, signature set left with seal marks", origParas(
			"GZ0320150155",
			"广州市住房和城乡建设委员会广州市来穗人员服务管理局",
			"~穗建住保[2015] 1312号",
			"~广州市住房和城乡建设委员会广州市来穗人员服务管理局关于印发《来穗务工人员",
			"~申请承租市本级公共租赁住房实施细则（试行）》的通知",
			"各区人民政府，市政府各有关部门：",
			"为规范来穗务工人员申请承租市本级公共租赁住房准入管理及申请审核等工作，现将《细则》印发给你们，请遵照执行。",
			"广州市住房和城乡建设委员会”广州市来穗人员服务管理局",
			">2015年11月23日",
			"广州市城乡建设委员会办公室2015年11月27日印发"),
			Document{Title: "广州市住房和城乡建设委员会广州市来穗人员服务管理局关于印发《来穗务工人员申请承租市本级公共租赁住房实施细则（试行）》的通知",
				DocNumber: "穗建住保〔2015〕1312号", Authorities: []string{"广州市住房和城乡建设委员会", "广州市来穗人员服务管理局"},
				Signed: gazette.Date{Year: 2015, Month: 11, Day: 23}, Registration: "GZ0320150155", Recipients: []string{"各区人民政府", "市政府各有关部门"},
				PrintedBy: "广州市城乡建设委员会办公室", PrintDate: gazette.Date{Year: 2015, Month: 11, Day: 27}}},
		{"a scan: a piece of the red heading read apart", origParas(
			"~厂",
			"~苍梧省卫生健康委员会文件",
			"~梧卫规〔2015〕18号",
			"~苍梧省卫生健康委员会关于印发",
			"~苍梧省预算绩效管理办法的通知",
			"各设区的市、县（市、区）有关部门，省直有关单位：",
			"为全面实施预算绩效管理，现印发给你们，请遵照执行。"),
			Document{Title: "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Recipients: []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}}},
		{"a scan: the red heading misread, the title and the signature agree", origParas(
			"”机密雪5年",
			"特急",
			"~世情省卫生健康委员会文件",
			"~梧卫规〔2015〕18号",
			"~苍梧省卫生健康委员会关于印发",
			"~苍梧省预算绩效管理办法的通知",
			"各设区的市、县（市、区）有关部门，省直有关单位：",
			"为全面实施预算绩效管理，现将《苍梧省预算绩效管理办法》和《苍梧省预算绩效评价指标》印发给你们，请遵照执行。",
			"附件：1．苍梧省预算绩效管理办法",
			"2．苍梧省部门整体支出和项目支出绩效评价共性指标体系框架",
			"（2015年修订）",
			">苍梧省卫生健康委员会",
			">2015年3月14日",
			"（此件公开发布）",
			"附件1",
			"~苍梧省预算绩效管理办法",
			"第一条　为了建立全方位的预算绩效管理体系，制定本办法。"),
			Document{Title: "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 14},
				Recipients: []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}, Note: "（此件公开发布）",
				Secrecy: "机密★5年", Urgency: "特急",
				Attachments: []string{"苍梧省预算绩效管理办法", "苍梧省部门整体支出和项目支出绩效评价共性指标体系框架（2015年修订）"}}},
		{"a scan: the 文号 misread past reading beside its 签发人, the 密级 cut", origParas(
			"密友5年",
			"~广东党卫生健康委员会文件",
			"和二（7602 60号- -签发人：何东”姜胜",
			"~广东省卫生健康委员会关于申请安排",
			"~2002年农村公路养护补助资金的请示",
			"省人民政府：",
			"现就申请安排农村公路养护补助资金有关事项请示如下。"),
			Document{Title: "广东省卫生健康委员会关于申请安排2002年农村公路养护补助资金的请示",
				Authorities: []string{"广东省卫生健康委员会"}, Signers: []string{"何东", "姜胜"}, Secrecy: "密友5年",
				Recipients: []string{"省人民政府"}}},
		{"a scan: the title's issuer misread, the heading and the 版记 agree", origParas(
			"~苍梧省卫生健康委员会文件",
			"~梧卫规〔2015〕18号",
			"~苑梧省卫生健康委员会关于印发",
			"~预算绩效管理办法的通知",
			"各设区的市有关部门：",
			"现印发给你们，请遵照执行。",
			"苍梧省卫生健康委员会办公室　2015年3月15日印发"),
			Document{Title: "苍梧省卫生健康委员会关于印发预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Recipients: []string{"各设区的市有关部门"},
				PrintedBy: "苍梧省卫生健康委员会办公室", PrintDate: gazette.Date{Year: 2015, Month: 3, Day: 15}}},
		{"a scan: 份号, mark and 文号 read as one paragraph, its 份号 and 号 misread", origParas(
			"6000258澜江省人民政府文件澜府〔【2013] 26与",
			"~澜江省人民政府关于进一步加强城",
			"~乡居民饮用水水源保护工作的通知",
			"各市、县（区）人民政府，省人民政府各部门、各直属机构：",
			"饮用水安全直接关系人民群众身体健康。现就有关事项通知如下。",
			"调江省人民政府",
			"二〇一三年三月十二日"),
			Document{Title: "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知", DocNumber: "澜府〔2013〕26号",
				Authorities: []string{"澜江省人民政府"}, Signed: gazette.Date{Year: 2013, Month: 3, Day: 12},
				Recipients: []string{"各市、县（区）人民政府", "省人民政府各部门、各直属机构"}}},
		{"a scan: 份号 and mark as one paragraph, the 文号 apart", origParas(
			"000258澜江省人民政府文件",
			"~澜府〔2013〕26号",
			"~澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			"各市、县（区）人民政府："),
			Document{Title: "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知", DocNumber: "澜府〔2013〕26号",
				Authorities: []string{"澜江省人民政府"}, Recipients: []string{"各市、县（区）人民政府"}, CopyNumber: "000258"}},
		{"a scan: 密级 run into the mark, its ★ and 年 misread", origParas(
			"机密友5广东省卫生健康委员会文件",
			"~粤卫〔2002〕60号　签发人：何东　姜胜",
			"~广东省卫生健康委员会关于申请安排2002年农村公路养护补助资金的请示",
			"省人民政府："),
			Document{Title: "广东省卫生健康委员会关于申请安排2002年农村公路养护补助资金的请示", DocNumber: "粤卫〔2002〕60号",
				Authorities: []string{"广东省卫生健康委员会"}, Signers: []string{"何东", "姜胜"}, Secrecy: "机密",
				Recipients: []string{"省人民政府"}}},
		{"a scan: the back of the sheet read as strokes above the mark", origParas(
			"【-一",
			"DT",
			"~苍梧省卫生健康委员会文件",
			"~梧卫规〔2015〕18号",
			"~苍梧省卫生健康委员会关于印发",
			"~苍梧省预算绩效管理办法的通知",
			"各设区的市、县（市、区）有关部门，省直有关单位："),
			Document{Title: "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Recipients: []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}}},
		{"a scan: the mark's front lost, a stray line over the title", origParas(
			"DT",
			"~健康委员会文件",
			"~梧卫规〔2015〕18号",
			"他梧省-",
			"~苍梧省卫生健康委员会关于印发",
			"~苍梧省预算绩效管理办法的通知",
			"各设区的市、县（市、区）有关部门，省直有关单位：",
			"为全面实施预算绩效管理，现印发给你们，请遵照执行。",
			"苍梅省卫具健康委负会",
			"2015年3月14日",
			"苍梧省卫生健康委员会办公室2015年3月15日印发"),
			Document{Title: "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 14},
				Recipients: []string{"各设区的市、县（市、区）有关部门", "省直有关单位"},
				PrintedBy:  "苍梧省卫生健康委员会办公室", PrintDate: gazette.Date{Year: 2015, Month: 3, Day: 15}}},
		{"a scan: the 印发 line run into the 抄送 paragraph, its office misread", origParas(
			"~澜江省人民政府文件",
			"~澜府〔2013〕26号",
			"~澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			"各市、县（区）人民政府：",
			"现就有关事项通知如下。",
			"澜江省人民政府",
			"二〇一三年三月十二日",
			"抄送：省委办公厅，省人大常委会办公厅，省政协办公厅。澜江省人民政府办公打2013年3月14日印发"),
			Document{Title: "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知", DocNumber: "澜府〔2013〕26号",
				Authorities: []string{"澜江省人民政府"}, Signed: gazette.Date{Year: 2013, Month: 3, Day: 12},
				Recipients: []string{"各市、县（区）人民政府"}, CC: []string{"省委办公厅", "省人大常委会办公厅", "省政协办公厅"},
				PrintDate: gazette.Date{Year: 2013, Month: 3, Day: 14}}},
		{"a 印发日期 whose year cannot be is no field", origParas(
			"~澜江省人民政府文件",
			"~澜府〔2013〕26号",
			"~澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			"各市、县（区）人民政府：",
			"现就有关事项通知如下。",
			"澜江省人民政府",
			"二〇一三年三月十二日",
			"抄送：省委办公厅，省人大常委会办公厅，省政协办公厅。",
			"澜江省人民政府办公厅　2682年3月14日印发"),
			Document{Title: "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知", DocNumber: "澜府〔2013〕26号",
				Authorities: []string{"澜江省人民政府"}, Signed: gazette.Date{Year: 2013, Month: 3, Day: 12},
				Recipients: []string{"各市、县（区）人民政府"}, CC: []string{"省委办公厅", "省人大常委会办公厅", "省政协办公厅"},
				PrintedBy: "澜江省人民政府办公厅"}},
		{"a sentence that ends 印发 is no 印发 line", origParas(
			"~澜江省人民政府关于印发工作要点的通知",
			"各市、县（区）人民政府：",
			"经研究，工作要点已于2013年3月14日印发"),
			Document{Title: "澜江省人民政府关于印发工作要点的通知", Authorities: []string{"澜江省人民政府"},
				Recipients: []string{"各市、县（区）人民政府"}}},
		{"a title that names a 文件 is no 版头", origParas(
			"~澜江省人民政府关于转发国务院文件的通知",
			"各市、县（区）人民政府："),
			Document{Title: "澜江省人民政府关于转发国务院文件的通知", Authorities: []string{"澜江省人民政府"},
				Recipients: []string{"各市、县（区）人民政府"}}},
		{"two bodies whose names differ in two characters stay two", origParas(
			"~广东省教育厅　广东省公安厅",
			"~文件",
			"~粤教〔2015〕3号",
			"~广东省教育厅　广东省公安厅关于加强校园安全的通知",
			"各地级以上市教育局、公安局：",
			"现就加强校园安全通知如下。"),
			Document{Title: "广东省教育厅　广东省公安厅关于加强校园安全的通知", DocNumber: "粤教〔2015〕3号",
				Authorities: []string{"广东省教育厅", "广东省公安厅"}, Recipients: []string{"各地级以上市教育局、公安局"}}},
		{"a decree signed by its governor, attachments labelled", origParas(
			"~澜江省人民政府令",
			"~第241号",
			"《澜江省饮用水水源保护办法》已经省人民政府常务会议通过，现予公布，自2026年1月1日起施行。",
			">省长　王明",
			">2025年11月20日",
			"附件",
			"~澜江省饮用水水源保护办法",
			"第一条　为了保护饮用水水源，制定本办法。"),
			Document{Title: "澜江省饮用水水源保护办法", DocNumber: "澜江省人民政府令第241号",
				Authorities: []string{"澜江省人民政府"}, Signed: gazette.Date{Year: 2025, Month: 11, Day: 20},
				Signatory: "省长　王明", Attachments: []string{"澜江省饮用水水源保护办法"}}},
		{"an attachment sent alone", origParas(
			"附件",
			"~建设项目环境影响评价信息公开机制方案",
			"根据《生态文明体制改革总体方案》，为健全环境治理体系，制定本方案。"),
			Document{Title: "建设项目环境影响评价信息公开机制方案"}},
		{"a label under the title is not a line of it", origParas(
			"~上海市普陀区2026年区级部门预算",
			"~预算主管部门：上海市普陀区司法局",
			"~目录"),
			Document{Title: "上海市普陀区2026年区级部门预算"}},
		{"scan: a place's name misread in the title's type, printed right in the text", origParas(
			"~世情省卫生健康委员会文件",
			"~梧卫规〔2015〕18号",
			"~苑梧省卫生健康委员会关于印发苑梧省预算绩效管理办法的通知",
			"各设区的市、县（市、区）有关部门，省直有关单位：",
			"为全面实施预算绩效管理，我们制定了《苍梧省预算绩效管理办法》，现印发给你们，请遵照执行。",
			">苍梅省卫息健康委让会",
			">2015年3月14日",
			"~苑梧省预算绩效管理办法",
			"第一条　为了建立预算绩效管理体系，制定本办法。",
			"苑梧省卫生健康委员会办公室　2015年3月15日印发"),
			Document{Title: "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 14},
				Recipients: []string{"各设区的市、县（市、区）有关部门", "省直有关单位"},
				PrintedBy:  "苍梧省卫生健康委员会办公室", PrintDate: gazette.Date{Year: 2015, Month: 3, Day: 15}}},
		{"a word that ends as a place's name does is no place", origParas(
			"~东莞市教育局文件",
			"~东教基〔2015〕3号",
			"~关于做好我市2015年义务教育阶段民办学校招生工作的通知",
			"各镇人民政府（街道办事处）：",
			"现就我市2015年义务教育阶段民办学校招生工作通知如下。",
			">东莞市教育局",
			">2015年3月14日"),
			Document{Title: "关于做好我市2015年义务教育阶段民办学校招生工作的通知", DocNumber: "东教基〔2015〕3号",
				Authorities: []string{"东莞市教育局"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 14},
				Recipients: []string{"各镇人民政府（街道办事处）"}}},
		{"scan: the red heading's front lost to marks", origParas(
			"~【-一健康委员会文件",
			"~梧卫规〔2015〕18号",
			"~苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知",
			"各设区的市、县（市、区）有关部门，省直有关单位：",
			"为全面实施预算绩效管理，我们制定了《苍梧省预算绩效管理办法》，现印发给你们，请遵照执行。",
			">苍梅省卫具健康委负会",
			">2015年3月14日"),
			Document{Title: "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", DocNumber: "梧卫规〔2015〕18号",
				Authorities: []string{"苍梧省卫生健康委员会"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 14},
				Recipients: []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}}},
		{"scan: another place the text names is not the title's", origParas(
			"~广州市人民政府文件",
			"~穗府〔2015〕3号",
			"~广州市人民政府关于支持对口帮扶工作的通知",
			"各区人民政府，市政府各部门：",
			"为做好福州市人民政府对口帮扶工作的衔接，现通知如下。",
			">广州市人民政府",
			">2015年3月14日",
			"广卅市人民政府办公厅　2015年3月15日印发"),
			Document{Title: "广州市人民政府关于支持对口帮扶工作的通知", DocNumber: "穗府〔2015〕3号",
				Authorities: []string{"广州市人民政府"}, Signed: gazette.Date{Year: 2015, Month: 3, Day: 14},
				Recipients: []string{"各区人民政府", "市政府各部门"},
				PrintedBy:  "广州市人民政府办公厅", PrintDate: gazette.Date{Year: 2015, Month: 3, Day: 15}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract("", tt.paras)
			check := func(field string, g, w any) {
				t.Helper()
				if gs, ws := strings.ReplaceAll(fmtAny(g), " ", ""), strings.ReplaceAll(fmtAny(w), " ", ""); gs != ws {
					t.Errorf("%s = %s, want %s", field, fmtAny(g), fmtAny(w))
				}
			}
			check("title", got.Title, tt.want.Title)
			check("doc_number", got.DocNumber, tt.want.DocNumber)
			check("authorities", got.Authorities, tt.want.Authorities)
			check("signed", got.Signed, tt.want.Signed)
			check("registration", got.Registration, tt.want.Registration)
			check("signers", got.Signers, tt.want.Signers)
			check("recipients", got.Recipients, tt.want.Recipients)
			check("cc", got.CC, tt.want.CC)
			check("printed_by", got.PrintedBy, tt.want.PrintedBy)
			check("print_date", got.PrintDate, tt.want.PrintDate)
			check("note", got.Note, tt.want.Note)
			check("secrecy", got.Secrecy, tt.want.Secrecy)
			check("urgency", got.Urgency, tt.want.Urgency)
			check("copy_number", got.CopyNumber, tt.want.CopyNumber)
			check("signatory", got.Signatory, tt.want.Signatory)
			check("attachments", got.Attachments, tt.want.Attachments)
		})
	}
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + strings.Join(x, "|") + "]"
	case gazette.Date:
		if x.IsZero() {
			return "-"
		}
		return x.String()
	case string:
		return x
	}
	return "?"
}

func TestSplitIssuers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"广州市住房和城乡建设委员会广州市来穗人员服务管理局", "广州市住房和城乡建设委员会|广州市来穗人员服务管理局"},
		{"广东省教育厅　广东省公安厅", "广东省教育厅|广东省公安厅"},
		{"惠州市人民政府", "惠州市人民政府"},
		{"中共广州市委办公厅", "中共广州市委办公厅"},
		{"广州市广州大学", "广州市广州大学"},
	}
	for _, tt := range tests {
		if got := strings.Join(splitIssuers(tt.in), "|"); got != tt.want {
			t.Errorf("splitIssuers(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRecipientsShortText holds Recipients to any text: an ASCII colon at
// the end, a label and its value, a sentence.
func TestRecipientsShortText(t *testing.T) {
	for _, s := range []string{"各区:", "各区：", "a:", "：", "预算主管部门：上海市普陀区司法局", "根据《办法》，现通知如下："} {
		got := Recipients(s)
		if (s == "各区:" || s == "各区：") != (len(got) == 1) {
			t.Errorf("Recipients(%q) = %q", s, got)
		}
	}
}

// FuzzExtractOriginal holds the reading of 版头, 版记, 主送 and 附注 to any
// paragraphs: it never panics.
func FuzzExtractOriginal(f *testing.F) {
	f.Add("HFGS—2015—31\n惠州市人民政府文件\n惠府〔2015〕158 号\n各县:\n抄送：市委，市政府。\n惠州市人民政府办公室 2015年11月5日印发")
	f.Add("文件\n签发人：\n附件\n（）\n抄送:\n印发")
	f.Fuzz(func(t *testing.T, s string) {
		var paras []layout.Paragraph
		for _, l := range strings.Split(s, "\n") {
			paras = append(paras, layout.Paragraph{Text: l, Page: 1, PageEnd: 1})
		}
		Extract("", paras)
		for _, p := range paras {
			Recipients(p.Text)
			MastheadLine(p.Text)
			splitIssuers(p.Text)
		}
	})
}

// A 文号 line whose 签发人 label a scan misread or lost in part gives the
// 文号 and the name, not a line run into the title; a line that only
// looks like one gives neither.
func TestNumberLineWithMisreadSignerLabel(t *testing.T) {
	tests := []struct {
		line    string
		number  string
		signers []string
		ok      bool
	}{
		{"粤建〔2008〕63号人：苏华文", "粤建〔2008〕63号", []string{"苏华文"}, true},
		{"粤建〔2008〕63号　和葡发人：苏华文", "粤建〔2008〕63号", []string{"苏华文"}, true},
		{"粤建〔2008〕63号　　签发人：苏华文", "粤建〔2008〕63号", []string{"苏华文"}, true},
		// The colon read as a semicolon or a comma, a gap as a quote.
		{"泽卫〔2013〕41号签发人；邹立“许杰", "泽卫〔2013〕41号", []string{"邹立", "许杰"}, true},
		{"泽卫〔2013〕41号人，邹立许杰", "泽卫〔2013〕41号", []string{"邹立", "许杰"}, true},
		// Not after a 文号: a sentence of the text.
		{"依照本办法第3号人：张三", "", nil, false},
		{"联系人：卢秀", "", nil, false},
	}
	for _, tc := range tests {
		nums, signers, ok := numberLine(tc.line)
		var got string
		if len(nums) > 0 {
			got = nums[0].Canonical
		}
		if ok != tc.ok || got != tc.number || !slices.Equal(signers, tc.signers) {
			t.Errorf("numberLine(%q) = %q %q %v, want %q %q %v", tc.line, got, signers, ok, tc.number, tc.signers, tc.ok)
		}
	}
}

func TestSignersGlued(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"粤卫〔2002〕60号　签发人：何东　姜胜", []string{"何东", "姜胜"}},
		// A scan lost the space between the names.
		{"粤卫〔2002〕60号　签发人：何东姜胜", []string{"何东", "姜胜"}},
		{"签发人：张晓明李红王五", []string{"张晓明", "李红", "王五"}},
		// One name of a compound surname, and runs cut two ways, stay.
		{"签发人：欧阳建国", []string{"欧阳建国"}},
		{"签发人：王林刘江", []string{"王林", "刘江"}}, // names have 2 or 3 characters: not 王林刘|江
		{"签发人：李明杨张红", []string{"李明杨张红"}},   // 李明|杨张红 or 李明杨|张红
	}
	for _, tc := range tests {
		_, got, ok := numberLine(tc.line)
		if !ok || !slices.Equal(got, tc.want) {
			t.Errorf("numberLine(%q) signers %q (%v), want %q", tc.line, got, ok, tc.want)
		}
	}
}

// Three issuers stacked with one 文件 set against the middle of the stack,
// the mark read as one paragraph (a text PDF's layout joined its lines):
// the issuer below the 文件 is the third, not part of the second's name.
func TestMastheadThreeIssuersOneMark(t *testing.T) {
	o := Masthead(origParas("~云南省住房和城乡建设厅 云南省人力资源和社会保障厅文件云南省交通运输厅", "~云建〔2019〕16号",
		"~云南省住房和城乡建设厅　云南省人力资源和社会保障厅　云南省交通运输厅关于加强中小学校校车安全管理工作的通知"))
	want := []string{"云南省住房和城乡建设厅", "云南省人力资源和社会保障厅", "云南省交通运输厅"}
	if !slices.Equal(o.Issuers, want) || o.DocNumber.Canonical != "云建〔2019〕16号" {
		t.Errorf("issuers %q, 文号 %q; want %q, 云建〔2019〕16号", o.Issuers, o.DocNumber.Canonical, want)
	}
}

// Issuers stacked over one 文件 read as one paragraph with specks read as
// marks between them (河南省交通运输厅》?河南…文件河南省自然资源厅), the
// province of one lost: the 版头 is read, and the title under it.
func TestMastheadSpecksBetweenIssuers(t *testing.T) {
	for _, top := range [][]string{
		{"~河南省交通运输厅》?河南省人力资源和社会保障厅文件河南省自然资源厅"},
		{"~河南省交通运输厅》?", "~河南人力资源和社会保障厅文件河南省自然资源厅"}, // as layout set them apart
	} {
		paras := origParas(append(top, "~豫交规〔2014〕35号",
			"~关于印发河南省预算绩效管理办法的通知", "各设区的市财政局、人力资源社会保障局，省直各部门：")...)
		o := Masthead(paras)
		if len(o.Issuers) != 3 || o.MastheadEnd != len(top)+1 {
			t.Errorf("%q: issuers %q, 版头 of %d paragraphs; want 3 issuers, %d", top, o.Issuers, o.MastheadEnd, len(top)+1)
		}
		if d := Extract("", paras); d.Title != "关于印发河南省预算绩效管理办法的通知" {
			t.Errorf("%q: title %q", top, d.Title)
		}
	}
}

// A 紧急程度 read with a speck beside it as a mark (特急-) is the 紧急程度,
// and the 版头 goes on to the mark under it.
func TestMastheadUrgencySpeck(t *testing.T) {
	paras := origParas("特急-", "~区梧省人民政府文件", "~梧府〔2019〕50号", "~苍梧省人民政府关于做好", "~今冬明春森林防火工作的通知", "各市、县（区）人民政府，省人民政府各部门、各直属机构：")
	o := Masthead(paras)
	if o.Urgency != "特急" || o.MastheadEnd != 3 {
		t.Errorf("urgency %q, 版头 of %d paragraphs; want 特急, 3", o.Urgency, o.MastheadEnd)
	}
	if d := Extract("", paras); d.Title != "苍梧省人民政府关于做好今冬明春森林防火工作的通知" {
		t.Errorf("title %q", d.Title)
	}
}

// The 紧急程度 left and the registration number right on one line, read
// as one by a scan, a dash of the number read as a full stop: the 版头
// goes on to the 发文机关标志, and the title is the title.
func TestMastheadUrgencyBesideRegistration(t *testing.T) {
	paras := origParas("加急LJFG. 2019- 095", "~澜江省教育厅文件", "~澜教〔2019〕20号", "~澜江省教育厅关于印发澜江", "~省预算绩效管理办法的通知", "各设区的市、县（市、区）有关部门，省直有关单位：")
	o := Masthead(paras)
	if o.Urgency != "加急" || o.Registration != "LJFG-2019-095" || !slices.Equal(o.Issuers, []string{"澜江省教育厅"}) || o.MastheadEnd != 3 {
		t.Errorf("urgency %q, registration %q, issuers %q, 版头 of %d paragraphs; want 加急, LJFG-2019-095, 澜江省教育厅, 3", o.Urgency, o.Registration, o.Issuers, o.MastheadEnd)
	}
	if d := Extract("", paras); d.Title != "澜江省教育厅关于印发澜江省预算绩效管理办法的通知" {
		t.Errorf("title %q", d.Title)
	}
	// The registration number misread past reading on its own line, or run
	// into the mark: the mark still heads the 版头, the title is the title.
	for _, top := range [][]string{{"加急“2019-095", "~澜江省教育厅文件"}, {"加急DEFG 2019-095澜江省教育厅文件"}} {
		ps := origParas(append(top, "~澜教〔2019〕20号", "~澜江省教育厅关于印发澜江", "~省预算绩效管理办法的通知", "各设区的市、县（市、区）有关部门，省直有关单位：")...)
		if o := Masthead(ps); !slices.Equal(o.Issuers, []string{"澜江省教育厅"}) || o.MastheadEnd != len(top)+1 {
			t.Errorf("%q: issuers %q, 版头 of %d paragraphs", top, o.Issuers, o.MastheadEnd)
		}
		if d := Extract("", ps); d.Title != "澜江省教育厅关于印发澜江省预算绩效管理办法的通知" {
			t.Errorf("%q: title %q", top, d.Title)
		}
	}
}

// Joint issuers stacked, the 件 of their mark misread (文人, 文作), the
// place at the front of one misread whole in the red type, and the gaps
// between them in the title read as quotes: the 版头 is read, the
// issuers are settled by the title, and the title's gaps are spaces.
func TestMastheadMisreadMark(t *testing.T) {
	for _, mark := range []string{"~云南省人力资源和社会保障厅文人", "~到二各人力资源和社会保障厅文作"} {
		paras := origParas("~云南省住房和城乡建设厅", mark, "~云南省交通运输厅", "~云建〔2019〕16号",
			"~云南省住房和城乡建设厅“云南省人力资源和社会保障厅”云南省交通运输厅关于加强中小学校校车安全管理工作的通知",
			"各市、县（区）教育局，省属各高等学校：", "为切实保障学生上下学乘车安全，现就有关工作通知如下。")
		if o := Masthead(paras); len(o.Issuers) != 3 || o.MastheadEnd != 4 {
			t.Errorf("%s: issuers %q, 版头 of %d paragraphs; want 3 issuers, 4", mark, o.Issuers, o.MastheadEnd)
		}
		d := Extract("", paras)
		want := []string{"云南省住房和城乡建设厅", "云南省人力资源和社会保障厅", "云南省交通运输厅"}
		if !slices.Equal(d.Authorities, want) {
			t.Errorf("%s: authorities %q, want %q", mark, d.Authorities, want)
		}
		if title := "云南省住房和城乡建设厅　云南省人力资源和社会保障厅　云南省交通运输厅关于加强中小学校校车安全管理工作的通知"; d.Title != title {
			t.Errorf("%s: title %q, want %q", mark, d.Title, title)
		}
	}
	// A line that is no mark stays out of the 版头: the title is read.
	paras := origParas("~云南省人民政府关于加强文化", "为切实保障学生上下学乘车安全，现就有关工作通知如下。")
	if o := Masthead(paras); o.MastheadEnd != 0 || len(o.Issuers) != 0 {
		t.Errorf("no mark: issuers %q, 版头 of %d paragraphs", o.Issuers, o.MastheadEnd)
	}
}

// TestIssuerGaps writes quote marks read for the gaps between joint
// issuers at a title's front as spaces, and leaves quotes of other titles.
func TestIssuerGaps(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"甲省教育厅“甲省财政厅关于印发办法的通知", "甲省教育厅　甲省财政厅关于印发办法的通知"},
		{"甲省教育厅\"甲省财政厅” 甲省公安厅关于做好工作的通知", "甲省教育厅　甲省财政厅　甲省公安厅关于做好工作的通知"},
		{"转发“十四五”规划关于做好工作的通知", "转发“十四五”规划关于做好工作的通知"},
		{"甲省人民政府关于印发“十四五”规划的通知", "甲省人民政府关于印发“十四五”规划的通知"},
		{"甲省教育厅 甲省财政厅关于印发办法的通知", "甲省教育厅 甲省财政厅关于印发办法的通知"},
	} {
		if got := issuerGaps(c.in); got != c.want {
			t.Errorf("issuerGaps(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A scan's speckle misread the place in the title (巷柯省 for 苍梧省) and
// made a full stop where its lines wrap; the seal left a quote beside the
// signature's name. The signature, read without the seal's mark, agrees
// with the 版头: the authority and the title's front are the mark's, and
// the title holds no full stop.
func TestExtractSpeckledTitle(t *testing.T) {
	paras := origParas("~苍梧省人民政府文件", "~梧政文〔2017〕57号", "~巷柯省人民政府关于进一步加强城", "~。乡居民饮用水水源保护工作的通知",
		"各设区的市人民政府，省人民政府各部门：", "饮用水安全直接关系人民群众身体健康。现就有关事项通知如下。",
		">苍梧省人民政府“", ">2017年10月10日")
	d := Extract("", paras)
	if want := "苍梧省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知"; d.Title != want {
		t.Errorf("title %q, want %q", d.Title, want)
	}
	if !slices.Equal(d.Authorities, []string{"苍梧省人民政府"}) {
		t.Errorf("authorities %q", d.Authorities)
	}
	if a, _ := Signature(paras[4:]); !slices.Equal(a, []string{"苍梧省人民政府"}) {
		t.Errorf("signature %q", a)
	}
	// A full stop that ends a sentence of a title's quotation, not between
	// two characters, stays.
	if got := innerStops("关于“放管服。”改革的通知"); got != "关于“放管服。”改革的通知" {
		t.Errorf("innerStops = %q", got)
	}
}

// A 1-bit scan read the 发文机关标志 past knowing (its front lost, 厅 and
// 件 misread) and the signature under its seal too: the first line over
// the 文号 is the mark, the title is the title under it, the authority
// the title's, and the date set alone to the right the 成文日期.
func TestExtractUnreadMark(t *testing.T) {
	paras := origParas("~市生态环境条文人", "~临环规〔2021〕11号", "~临海市生态环境厅关于印发临海市预算绩效管理办法的通知",
		"各市、县（区）教育局，市属各高等学校：", "为全面实施预算绩效管理，我们制定了《临海市预算绩效管理办法》，现印发给你们，请遵照执行。",
		">1广市。环境F:", ">2021年6月24日")
	d := Extract("", paras)
	if want := "临海市生态环境厅关于印发临海市预算绩效管理办法的通知"; d.Title != want {
		t.Errorf("title %q, want %q", d.Title, want)
	}
	if !slices.Equal(d.Authorities, []string{"临海市生态环境厅"}) || d.DocNumber != "临环规〔2021〕11号" {
		t.Errorf("authorities %q, 文号 %q", d.Authorities, d.DocNumber)
	}
	if d.Signed != date(2021, 6, 24) {
		t.Errorf("signed %v, want 2021-06-24", d.Signed)
	}
	// Under a registration number or a 紧急程度, the mark read past
	// knowing (its place and its 厅 and 件 misread) is the mark all the
	// same: the title is the title under the 文号.
	for _, top := range []string{"ZAGS—2018—18", "加急"} {
		ps := origParas(top, "~尝灾省人民政府办公帮文人", "~泽政办〔2018〕33号", "~关于印发泽安省政务服务“一网通办”工作方案的通知",
			"各设区的市人民政府，省直各有关单位：", "《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。",
			">泽安省人民政府办公厅", ">2018年10月25日")
		d := Extract("", ps)
		if want := "关于印发泽安省政务服务“一网通办”工作方案的通知"; d.Title != want {
			t.Errorf("under %s: title %q, want %q", top, d.Title, want)
		}
		if !slices.Equal(d.Authorities, []string{"泽安省人民政府办公厅"}) || d.DocNumber != "泽政办〔2018〕33号" {
			t.Errorf("under %s: authorities %q, 文号 %q", top, d.Authorities, d.DocNumber)
		}
	}
	// The mark read past knowing, the title naming no issuer and the
	// signature under its seal unread: the 版记's printer, read as the
	// mark misread, is the issuer; a printer whose name is no misreading
	// of the mark is none.
	for _, c := range []struct{ mark, printer, want string }{
		{"~泽安告人民政府办公帮文件", "泽安省人民政府办公厅", "泽安省人民政府办公厅"},
		{"~泽安告人民政府文人", "泽安省人民政府办公厅", "泽安省人民政府"},
		{"~泽安告人民政府办公帮文件", "泽安省财政厅办公室", ""},
	} {
		ps := origParas("ZAGS—2018—18", c.mark, "~泽政办〔2018〕33号", "~关于印发泽安省政务服务“一网通办”工作方案的通知",
			"各设区的市人民政府，省直各有关单位：", "《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。",
			">泽省人府因2厅", "抄送：省委办公厅。", c.printer+"　　2018年10月26日印发")
		d := Extract("", ps)
		if got := strings.Join(d.Authorities, "|"); got != c.want {
			t.Errorf("mark %s, printer %s: authorities %q, want %q", c.mark, c.printer, got, c.want)
		}
	}
	// A title that ends as titles do over its 文号 is no mark (a reprint:
	// the title, then the number).
	reprint := origParas("~澜江省城市供水管理办法", "~澜政〔2021〕11号", "~第一章　总则", "第一条　为了加强城市供水管理，制定本办法。")
	if o := Masthead(reprint); o.MastheadEnd != 0 {
		t.Errorf("reprint: 版头 of %d paragraphs", o.MastheadEnd)
	}
}

// agree settles an issuer whose place the mark's red type misread whole
// (将全客人民政府) where two other places print the name (the title's
// and the signature's), or one where the mark's is no place's name; one
// alone does not override a mark that names a place.
func TestAgreePlaceMisreadWhole(t *testing.T) {
	for _, c := range []struct {
		name   string
		others [][]string
		want   string
	}{
		{"the title and the signature", [][]string{{"苍梧省人民政府"}, {"苍梧省人民政府"}}, "苍梧省人民政府"},
		{"the title alone, the mark's no place", [][]string{{"苍梧省人民政府"}, nil}, "苍梧省人民政府"},
		{"a slip, by one", [][]string{{"将梧省人民政府"}}, "将梧省人民政府"},
	} {
		if got := agree([]string{"将全客人民政府"}, c.others...); !slices.Equal(got, []string{c.want}) {
			t.Errorf("%s: agree = %q, want %s", c.name, got, c.want)
		}
	}
	// A mark that names a place: one other place does not override it.
	if got := agree([]string{"澜江市人民政府"}, []string{"苍梧省人民政府"}); !slices.Equal(got, []string{"澜江市人民政府"}) {
		t.Errorf("agree = %q, want 澜江市人民政府", got)
	}
}

// A signature under a seal whose place was read as no place's name, with
// no 版头 to name the issuer, is the issuer the title names.
func TestSignatureMisreadPlace(t *testing.T) {
	paras := origParas("~苍梧省人民政府关于做好", "~今冬明春森林防火工作的通知", "各市、县（区）人民政府：",
		"当前已进入森林防火高火险期，现就有关事项通知如下。", ">将全客人民政府", ">2019年1月15日")
	if d := Extract("", paras); !slices.Equal(d.Authorities, []string{"苍梧省人民政府"}) {
		t.Errorf("authorities %q, want 苍梧省人民政府", d.Authorities)
	}
	paras[4].Text = "梧省人民政府" // its front lost
	if d := Extract("", paras); !slices.Equal(d.Authorities, []string{"苍梧省人民政府"}) {
		t.Errorf("front lost: authorities %q, want 苍梧省人民政府", d.Authorities)
	}
}

// The text's last sentence, its full stop lost on a skewed scan and set
// apart over the signature, is no issuer.
func TestSignatureAfterSentenceWithoutStop(t *testing.T) {
	paras := origParas("~四川省人民政府关于同意设立四川省宣汉白马山等4处森林公园的批复", "省林业厅：",
		"你厅《关于设立森林公园的请示》收悉。经研究，同意设立。", ">本通知自印发之日起施行", ">四川省人民政府", ">2019年12月5日")
	if d := Extract("", paras); !slices.Equal(d.Authorities, []string{"四川省人民政府"}) {
		t.Errorf("authorities %q, want 四川省人民政府", d.Authorities)
	}
}

// A seal's ring read as a character over the date is no issuer: the
// title names it.
func TestSignatureSealCharacter(t *testing.T) {
	paras := origParas("~河南省交通运输厅关于印发", "~预算绩效管理办法的通知", "各设区的市交通运输局：",
		"现将办法印发给你们，请遵照执行。", ">光", ">2010年3月8日")
	if d := Extract("", paras); !slices.Equal(d.Authorities, []string{"河南省交通运输厅"}) {
		t.Errorf("authorities %q, want 河南省交通运输厅", d.Authorities)
	}
}

// TestNoteClosingLost takes a 附注 whose closing bracket a scan lost at the
// end of its short line as the bracketed remark it is, and leaves a
// bracketed sentence that is no remark on publishing.
func TestNoteClosingLost(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"（此件依申请公开", "（此件依申请公开）"},
		{"(此件公开发布", "(此件公开发布)"},
		{"（此件公开发布）", "（此件公开发布）"},
		{"（此件所附的《办法》由省财政厅负责解释，请各地认真贯彻执行", ""},
		{"（一）加强组织领导", ""},
		// A label's colon read as a semicolon.
		{"（联系人；姜伟敏，联系电话；0875-87036150)", "（联系人：姜伟敏，联系电话：0875-87036150)"},
		{"(联系人,金凯琳,联系电话,0718-87062142)", "(联系人：金凯琳,联系电话：0718-87062142)"},
	} {
		if got := Note(paras("请认真贯彻执行。", c.in)); got != c.want {
			t.Errorf("Note(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRecipientsOpenLost puts back the opening bracket of a 主送's
// qualifier of units that a scan lost, before the units it lists and
// after the one it qualifies; a closing bracket with nothing of that shape
// before it stays as read.
func TestRecipientsOpenLost(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"各设区的市、县市、区)有关部门，省直有关单位：", []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}},
		{"各市、县区)人民政府，市人民政府各部门：", []string{"各市、县（区）人民政府", "市人民政府各部门"}},
		{"各市、县（区）人民政府：", []string{"各市、县（区）人民政府"}},
		{"各市、区)人民政府：", []string{"各市、区)人民政府"}},
	} {
		if got := Recipients(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Recipients(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
