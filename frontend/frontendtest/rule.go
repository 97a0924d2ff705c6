package frontendtest

import (
	"context"
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// RuleID is the rule of RuleSample: a 省政府令 in chapters and articles,
// signed 2019-12-01, printed 2019-12-15, in force from 2019-12-28.
const RuleID = "2019-12-1"

// RuleCorrected is the date of the correction CorrectRule makes.
var RuleCorrected = gazette.Date{Year: 2020, Month: 1, Day: 10}

// ruleBody is the rule as printed: two chapters, three articles.
var ruleBody = []string{
	"第一章　总则",
	"第一条　为了规范行政执法程序，保障和监督行政机关有效实施行政管理，根据有关法律、法规，结合本省实际，制定本规定。",
	"第二条　本规定适用于本省行政区域内的行政执法活动。",
	"第二章　执法程序",
	"第三条　行政执法机关应当依法公开执法主体、执法依据、执法程序和救济渠道等信息。",
}

// RuleSample is the 2019 issue of the sample gazette with n documents
// (n ≥ 3), its first document the rule RuleID in chapters and articles;
// its second is repealed by its third, as in Sample.
func RuleSample(n int) archivetest.Sample {
	s := Sample(Issue2019, n)
	d := &s.Documents[0]
	d.Kind, d.Body = gazette.KindRule, slices.Clone(ruleBody)
	return s
}

// CorrectRule corrects the rule RuleID of a published RuleSample: 第二条
// gains words and 第四条 is added, by a correction dated RuleCorrected.
func CorrectRule(ctx context.Context, a *archive.Archive) error {
	d, err := a.Document(ctx, RuleID)
	if err != nil {
		return fmt.Errorf("frontendtest: correct the rule: %w", err)
	}
	fixed := *d
	fixed.Validity = gazette.Status{State: gazette.InForce}
	fixed.Body = append(slices.Clone(ruleBody[:2]),
		"第二条　本规定适用于本省行政区域内的行政执法活动和行政检查。",
		ruleBody[3], ruleBody[4],
		"第四条　本规定自2019年12月28日起施行。")
	c := gazette.Correction{Reason: "第二条漏印“和行政检查”，第四条漏印", Date: RuleCorrected, By: "editor"}
	if _, err := a.Correct(ctx, RuleID, fixed, c); err != nil {
		return fmt.Errorf("frontendtest: correct the rule: %w", err)
	}
	return nil
}
