package searcheval

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// LawCorpus is the laws corpus (../shared/corpus/laws) as gazette documents,
// ready to Put into an index.
type LawCorpus struct {
	// Docs are the documents, in ID order (issue, then position).
	Docs []gazette.SearchDoc
	// IDByPath maps a corpus file, relative to the laws folder with forward
	// slashes (民法典/总则.md), to the ID of its document.
	IDByPath map[string]string
	// WithValidity counts the documents whose validity came from db.sqlite3;
	// the others are taken to be in force.
	WithValidity int
	// Undated counts the documents without any date, filed under UndatedYear.
	Undated int
}

// UndatedYear is the issue year of a law with no date in its history lines,
// its file name or db.sqlite3.
const UndatedYear = 2000

// lawsPerIssue is how many laws one synthetic issue holds.
const lawsPerIssue = 40

// LoadLaws reads every law in dir (the corpus's laws folder) into gazette
// documents. The mapping from a law to a document:
//
//   - Title: the first "# " heading; a second heading (民法典's 编) is
//     appended after a space: 中华人民共和国民法典 总则.
//   - Dates: the history lines above <!-- INFO END --> (2014年11月24日
//     中华人民共和国国务院令第656号公布). Signed is the earliest, Published the
//     latest that is not a 施行 line (the date of the text as amended),
//     Effective the 施行 line, else db.sqlite3's valid_from. Without history
//     dates, the date in the file name, else db.sqlite3's publish date.
//   - Authorities: from the first history line (全国人民代表大会常务委员会,
//     国务院, 最高人民法院, 国家市场监督管理总局, 浙江省人民代表大会常务委员会,
//     each of a joint 、-separated list); where it names none, from the folder
//     (行政法规: 国务院; 司法解释: 最高人民法院 or 最高人民检察院; 部门规章/X: X;
//     法律: 全国人民代表大会常务委员会; 地方性法规: that province's congress).
//   - DocNumber: the first 文号 in the history lines (国务院令第656号公布 gives
//     中华人民共和国国务院令第656号), in canonical form.
//   - Kind: by the title's last words first (…通知: notice; …决定 or 批复:
//     decision; …公告 or 通告: announcement), else by folder: 行政法规 and
//     部门规章 are rule, everything else (laws, judicial interpretations,
//     local regulations) normative. The gazette's kinds have no "law"; a
//     national law is closest to a normative document.
//   - Validity: db.sqlite3 (the main one, and DLC/*/db.sqlite3) matched by
//     name and publish date; expired = 1 is Expired, 0 InForce. Files not in
//     a database are InForce.
//   - Issue: laws sorted by published date then path, grouped by year into
//     issues of 40 (IssueKey{Year, 1 + i/40}), position 1 + i%40. Undated
//     laws go to UndatedYear.
//   - Body: the paragraphs after <!-- INFO END -->, headings without their #.
func LoadLaws(dir string) (*LawCorpus, error) {
	validity, err := loadLawValidity(dir)
	if err != nil {
		return nil, err
	}
	type item struct {
		rel string
		doc gazette.Document
		fp  string
	}
	var items []item
	c := &LawCorpus{IDByPath: map[string]string{}}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") || d.Name() == "_index.md" || d.Name() == "法律法规模版.md" {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		doc, ok := parseLaw(rel, string(raw))
		if !ok {
			return nil // the template and other files without a law
		}
		if v, ok := validity.lookup(rel, doc.Title); ok {
			if v.expired {
				doc.Validity = gazette.Status{State: gazette.Expired}
			}
			if doc.Effective.IsZero() && !v.validFrom.IsZero() {
				doc.Effective = v.validFrom
			}
			if doc.Published.IsZero() && !v.publish.IsZero() {
				doc.Signed, doc.Published = v.publish, v.publish
			}
			c.WithValidity++
		}
		sum := sha256.Sum256(raw)
		items = append(items, item{rel: rel, doc: doc, fp: hex.EncodeToString(sum[:16])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("searcheval: laws: %w", err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("searcheval: laws: no law files in %s", dir)
	}
	year := func(d gazette.Document) int {
		if d.Published.IsZero() {
			return UndatedYear
		}
		return d.Published.Year
	}
	slices.SortFunc(items, func(a, b item) int {
		if ya, yb := year(a.doc), year(b.doc); ya != yb {
			return ya - yb
		}
		if c := a.doc.Published.Compare(b.doc.Published); c != 0 {
			return c
		}
		return strings.Compare(a.rel, b.rel)
	})
	inYear := map[int]int{}
	page := map[gazette.IssueKey]int{}
	for _, it := range items {
		d := it.doc
		y := year(d)
		if d.Published.IsZero() {
			c.Undated++
		}
		i := inYear[y]
		inYear[y]++
		d.Issue = gazette.IssueKey{Year: y, Number: 1 + i/lawsPerIssue}
		d.ID = gazette.DocumentID(d.Issue, 1+i%lawsPerIssue)
		first := page[d.Issue] + 1
		d.Pages = gazette.PageRange{First: first, Last: first + bodyRunes(d.Body)/2000}
		page[d.Issue] = d.Pages.Last
		d.Version = 1
		if err := d.Validate(); err != nil {
			return nil, fmt.Errorf("searcheval: laws: %s: %w", it.rel, err)
		}
		c.Docs = append(c.Docs, gazette.SearchDoc{Document: d, Fingerprint: it.fp})
		c.IDByPath[it.rel] = d.ID
	}
	return c, nil
}

func bodyRunes(body []string) int {
	n := 0
	for _, p := range body {
		n += utf8.RuneCountInString(p)
	}
	return n
}

var (
	lawFileDateRE  = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)\.md$`)
	sessionRE      = regexp.MustCompile(`第?[一二三四五六七八九十百〇零0-9]+届`)
	authorityEndRE = regexp.MustCompile(`第[^，。、]*?次|令|公布|发布|批准|通过|印发|会议|根据|[，。（(]`)
	hanOnlyRE      = regexp.MustCompile(`^\p{Han}{2,30}$`)
	placeRE        = regexp.MustCompile(`^\p{Han}{1,6}?[省市]`)
)

// parseLaw turns one markdown law into a document without issue, ID and
// pages; ok is false for a file that holds no law.
func parseLaw(rel, text string) (gazette.Document, bool) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	head, body, found := strings.Cut(text, "<!-- INFO END -->")
	if !found {
		return gazette.Document{}, false
	}
	var titles, history []string
	for _, line := range strings.Split(head, "\n") {
		line = strings.TrimSpace(stripComments(line))
		switch {
		case line == "" || line == "---":
		case strings.HasPrefix(line, "# "):
			titles = append(titles, strings.TrimSpace(line[2:]))
		case strings.HasPrefix(line, "#"):
		default:
			history = append(history, line)
		}
	}
	if len(titles) == 0 || titles[0] == "" {
		return gazette.Document{}, false
	}
	d := gazette.Document{
		Title:    strings.Join(titles, " "),
		Validity: gazette.Status{State: gazette.InForce},
	}
	// Dates from the history lines: each line starts with its date.
	var firstEvent string
	for _, line := range history {
		ms := gazette.FindDates(line)
		if len(ms) == 0 || ms[0].Start != 0 {
			continue
		}
		date, event := ms[0].Date, strings.TrimSpace(strings.Trim(line[ms[0].End:], "　 "))
		if firstEvent == "" {
			firstEvent = event
		}
		if event == "施行" || strings.HasPrefix(event, "起施行") {
			d.Effective = date
			continue
		}
		if d.Signed.IsZero() || date.Compare(d.Signed) < 0 {
			d.Signed = date
		}
		if date.Compare(d.Published) > 0 {
			d.Published = date
		}
	}
	if d.Published.IsZero() {
		if m := lawFileDateRE.FindStringSubmatch(rel); m != nil {
			if date, err := gazette.ParseDate(m[1]); err == nil {
				d.Signed, d.Published = date, date
			}
		}
	}
	for _, line := range history {
		if ms := gazette.FindDocNumbers(line); len(ms) > 0 {
			d.DocNumber = ms[0].Number.String()
			break
		}
	}
	d.Authorities = lawAuthorities(rel, d.Title, firstEvent)
	d.Kind = lawKind(rel, d.Title)
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(stripComments(line))
		line = strings.TrimSpace(strings.TrimLeft(line, "#"))
		if line != "" {
			d.Body = append(d.Body, line)
		}
	}
	return d, true
}

var commentRE = regexp.MustCompile(`<!--.*?-->`)

func stripComments(s string) string { return commentRE.ReplaceAllString(s, "") }

// lawAuthorities names the issuing authorities of a law: from the event of
// its first history line where it names one, else from its folder.
func lawAuthorities(rel, title, event string) []string {
	var out []string
	s := sessionRE.ReplaceAllString(event, "")
	if loc := authorityEndRE.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	for _, a := range strings.Split(s, "、") {
		a = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(a), "经"), "由")
		for _, suffix := range []string{"审判委员会", "检察委员会", "常务会议", "部务会议", "部长办公"} {
			if strings.HasPrefix(a, "最高人民") || !strings.HasSuffix(suffix, "委员会") {
				a = strings.TrimSuffix(a, suffix)
			}
		}
		if rest := strings.TrimPrefix(a, "中华人民共和国"); utf8.RuneCountInString(rest) >= 2 {
			a = rest
		}
		a = strings.ReplaceAll(a, "人大常委会", "人民代表大会常务委员会")
		if strings.HasPrefix(a, "市") || strings.HasPrefix(a, "省") {
			// 市十二届人大常委会: the city is the one in the title.
			if m := placeRE.FindString(title); m != "" && strings.HasSuffix(m, a[:len("市")]) {
				a = m + a[len("市"):]
			}
		}
		if hanOnlyRE.MatchString(a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) > 0 {
		return out
	}
	top, _, _ := strings.Cut(rel, "/")
	switch {
	case top == "行政法规":
		return []string{"国务院"}
	case top == "司法解释":
		if strings.Contains(title, "检察") {
			return []string{"最高人民检察院"}
		}
		return []string{"最高人民法院"}
	case top == "部门规章":
		if parts := strings.Split(rel, "/"); len(parts) > 2 {
			return []string{parts[1]}
		}
		return []string{"国务院"}
	case strings.Contains(rel, "浙江"):
		return []string{"浙江省人民代表大会常务委员会"}
	case strings.Contains(rel, "上海"):
		return []string{"上海市人民代表大会常务委员会"}
	}
	return []string{"全国人民代表大会常务委员会"}
}

// lawKind maps a law to a gazette kind: by the title's last words, then by folder.
func lawKind(rel, title string) gazette.Kind {
	switch {
	case strings.HasSuffix(title, "通知"):
		return gazette.KindNotice
	case strings.HasSuffix(title, "决定"), strings.HasSuffix(title, "批复"):
		return gazette.KindDecision
	case strings.HasSuffix(title, "公告"), strings.HasSuffix(title, "通告"):
		return gazette.KindAnnouncement
	}
	switch top, _, _ := strings.Cut(rel, "/"); top {
	case "行政法规", "部门规章":
		return gazette.KindRule
	}
	return gazette.KindNormative
}

// lawRecord is one row of a laws db.sqlite3.
type lawRecord struct {
	expired   bool
	publish   gazette.Date
	validFrom gazette.Date
}

// lawValidity indexes the rows of the laws databases by name and by name
// with publish date.
type lawValidity struct {
	byKey  map[string]lawRecord // "name|2016-02-06"
	byName map[string][]lawRecord
}

// loadLawValidity reads dir/db.sqlite3 and dir/DLC/*/db.sqlite3. Missing
// databases give an empty index; unreadable ones are an error.
func loadLawValidity(dir string) (*lawValidity, error) {
	v := &lawValidity{byKey: map[string]lawRecord{}, byName: map[string][]lawRecord{}}
	dbs, _ := filepath.Glob(filepath.Join(dir, "DLC", "*", "db.sqlite3"))
	dbs = append([]string{filepath.Join(dir, "db.sqlite3")}, dbs...)
	for _, db := range dbs {
		rows, err := readLawRows(db)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("searcheval: laws validity: %w", err)
		}
		for _, row := range rows {
			name, pub := row.Name, row.Publish
			if name == "" {
				continue
			}
			r := lawRecord{expired: row.Expired == 1}
			r.publish, _ = gazette.ParseDate(pub)
			if row.ValidFrom != "" {
				r.validFrom, _ = gazette.ParseDate(row.ValidFrom)
			}
			if row.Subtitle != "" && strings.HasPrefix(name, "民法典") {
				name = "民法典 " + row.Subtitle
			}
			v.byKey[name+"|"+pub] = r
			v.byName[name] = append(v.byName[name], r)
		}
	}
	return v, nil
}

// lookup finds the row of a law file: by the name and date in its file
// name (个体工商户条例(2016-02-06).md), else by a name that only one row has.
func (v *lawValidity) lookup(rel, title string) (lawRecord, bool) {
	base := strings.TrimSuffix(path.Base(rel), ".md")
	name, date := base, ""
	if m := lawFileDateRE.FindStringSubmatch(path.Base(rel)); m != nil {
		date = m[1]
		name = strings.TrimSuffix(base, "("+date+")")
	}
	if strings.HasPrefix(rel, "民法典/") {
		name = "民法典 " + base
	}
	if r, ok := v.byKey[name+"|"+date]; ok {
		return r, true
	}
	for _, n := range []string{name, strings.TrimPrefix(title, "中华人民共和国")} {
		if rs := v.byName[n]; len(rs) == 1 && (date == "" || rs[0].publish.IsZero()) {
			return rs[0], true
		}
	}
	return lawRecord{}, false
}
