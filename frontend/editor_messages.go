package frontend

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// What editors read of a refusal: Chinese, the document named as 第N篇 and
// the field by the label it has on the form, never a JSON path or a
// 0-based position.

// fieldLabels are the form's labels of the and a document's
// fields, by their JSON names.
var fieldLabels = map[string]string{
	"gazette": "刊名", "year": "年", "number": "期", "total_number": "总期号", "supplement": "增刊",
	"published": "发布时间", "pdf": "印刷版 PDF", "contents": "目录",
	"title": "标题", "doc_number": "文号", "kind": "种类", "section": "栏目", "authorities": "发文机关",
	"signed_date": "成文日期", "published_date": "发布日期", "effective_date": "施行日期", "expiry_date": "有效期至",
	"validity": "时效", "changed_by": "引起变更的文件", "pages": "页码", "body": "正文",
	"index_number": "索引号", "topic": "主题分类", "version": "版本", "id": "编号",
	"page": "页", "dpi": "分辨率", "psm": "版面分析", "rotation": "旋转",
}

// fieldMsg is one problem of a draft as an editor reads it.
type fieldMsg struct {
	// Doc is the document's position counted from 1; 0 for the issue.
	Doc int
	// Field is the form field's name ("title", "number"), Label what the
	// editor reads ("第2篇 标题").
	Field, Label string
	Text         string
}

// reFieldPath splits "documents[3].validity.changed_by" and
// "authorities[0]".
var reFieldPath = regexp.MustCompile(`^(?:(?:documents|contents)\[(\d+)\]\.)?([a-z_]+)(?:\[\d+\])?(?:\.([a-z_0-9.]+))?$`)

// describe turns a field error into what an editor reads.
func describe(fe gazette.FieldError) fieldMsg {
	m := fieldMsg{Field: fe.Field, Label: "此项", Text: fe.Zh}
	if m.Text == "" {
		m.Text = "有误"
	}
	sub := reFieldPath.FindStringSubmatch(fe.Field)
	if sub == nil {
		return m
	}
	field := sub[2]
	if field == "validity" && sub[3] == "changed_by" || field == "pdf" {
		field = map[string]string{"validity": "changed_by", "pdf": "pdf"}[field]
	}
	m.Field = field
	label, ok := fieldLabels[field]
	if !ok {
		label = field
	}
	m.Label = label
	if sub[1] != "" {
		n, _ := strconv.Atoi(sub[1])
		m.Doc = n + 1
		m.Label = fmt.Sprintf("第%d篇 %s", m.Doc, label)
	}
	return m
}

// describeAll describes every field error.
func describeAll(ve []gazette.FieldError) []fieldMsg {
	out := make([]fieldMsg, len(ve))
	for i, fe := range ve {
		out[i] = describe(fe)
	}
	return out
}

// sentence is a list of field messages as one line.
func sentence(ms []fieldMsg) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Label + "：" + m.Text
	}
	return strings.Join(parts, "；")
}

// stateRefusals say in Chinese why a draft's state refuses an action.
var stateRefusals = map[editorial.State]string{
	editorial.StateSubmitted: "草稿已提交审核，内容已锁定；如需修改，请先“撤回修改”",
	editorial.StateApproved:  "草稿已审核通过，内容已锁定；如需修改，请先“撤回修改”（审核将作废）",
	editorial.StateScheduled: "本期已排期，不能再修改；如需修改，请主编先撤回排期",
	editorial.StatePublished: "本期已发布，不能再修改；已发布的文件请用勘误更正",
	editorial.StateDrafting:  "草稿尚在编辑中，尚未提交审核",
}

// editorDetail is what an editor reads of err beside the title: the
// problems by field, or why the action was refused; nothing for internal
// failures or sign-in (which never says what was wrong). It never shows an
// error's own text, which may name storage keys.
func editorDetail(status int, err error) string {
	if status >= 500 || status == 401 || errors.Is(err, errCSRF) || errors.Is(err, errCrossSite) {
		return ""
	}
	var ve gazette.ValidationError
	var se *editorial.StateError
	var ed editorDetailed
	var re *editorial.RereadError
	switch {
	case errors.As(err, &re):
		return re.Zh
	case errors.As(err, &ve):
		return sentence(describeAll(ve))
	case errors.As(err, &ed):
		return ed.Detail()
	case errors.Is(err, editorial.ErrOwnDraft):
		return "您编辑过此草稿，需由另一位主编审核"
	case errors.Is(err, editorial.ErrNoMoment):
		return "请先选择发布时间（北京时间）"
	case errors.Is(err, editorial.ErrPast):
		return "所选发布时间已过。请重新选择，或勾选“立即发布”确认马上发布"
	case errors.As(err, &se):
		if msg, ok := stateRefusals[se.State]; ok {
			return msg
		}
	case errors.Is(err, editorial.ErrNotPDF):
		return "上传的文件不是 PDF"
	case errors.Is(err, editorial.ErrTooLarge):
		return "上传的文件太大"
	case errors.Is(err, editorial.ErrUnreadablePDF):
		return "无法读取上传的 PDF：文件可能已损坏。请换一份完好的印刷版 PDF 再上传"
	case errors.Is(err, editorial.ErrNoOCR):
		return "服务器未安装 OCR（tesseract-ocr、tesseract-ocr-chi-sim、poppler-utils），不能重新识别页面"
	case errors.Is(err, editorial.ErrNoRenderer):
		return "服务器未安装 poppler（poppler-utils），无法显示页面图像；请在 PDF 中查看"
	}
	return ""
}

// editorDetailed is an error the frontend wrote with its own message for
// editors.
type editorDetailed interface {
	error
	Detail() string
}

// editorError is a refusal made here, with its message for editors.
type editorError struct {
	msg  string
	kind error // gazette.ErrInvalid, gazette.ErrNotFound ...
}

func (e editorError) Error() string  { return "frontend: " + e.msg }
func (e editorError) Detail() string { return e.msg }
func (e editorError) Unwrap() error  { return e.kind }

func invalidInput(msg string) error { return editorError{msg: msg, kind: gazette.ErrInvalid} }

// formErrors adds the problems of ve to errs, a form's messages by field, in
// Chinese: a field the form does not show (not in labels) is reported on
// the form as a whole, under "".
func formErrors(ve gazette.ValidationError, labels, errs map[string]string) {
	for _, fe := range ve {
		msg := fe.Zh
		if msg == "" {
			msg = "内容有误"
		}
		field := fe.Field
		if _, ok := labels[field]; !ok {
			field = ""
		}
		if errs[field] != "" {
			msg = errs[field] + "；" + msg
		}
		errs[field] = msg
	}
}
