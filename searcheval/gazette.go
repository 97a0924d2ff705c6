package searcheval

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// Corpus paths, relative to the corpus folder (../shared/corpus).
const (
	LawsDir     = "laws"
	STARDFile   = "stard/derived_query_to_lawrefbook_docs.jsonl"
	DocnumsFile = "docnum/joined_title_docnum_dates.tsv.gz"
)

// titleRow is one row of the joined title/文号/dates table: a real document
// of a real government site.
type titleRow struct {
	jurisdiction string
	title        string
	number       gazette.DocNumber
	signed       gazette.Date
	published    gazette.Date // never before signed
}

// loadTitles reads the joined table, keeping the rows whose 文号 and signed
// date parse, in file order.
func loadTitles(file string) ([]titleRow, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("searcheval: titles: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("searcheval: titles: %s: %w", file, err)
	}
	var out []titleRow
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue // header
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 {
			continue
		}
		title := strings.TrimSpace(cols[1])
		n, err := gazette.ParseDocNumber(cols[2])
		if err != nil || title == "" {
			continue
		}
		signed, err := gazette.ParseDate(cols[3])
		if err != nil || signed.Year < gazette.MinYear {
			continue
		}
		pub, err := gazette.ParseDate(cols[4])
		if err != nil || pub.Compare(signed) < 0 {
			pub = signed
		}
		out = append(out, titleRow{jurisdiction: cols[0], title: title, number: n, signed: signed, published: pub})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("searcheval: titles: %s: %w", file, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("searcheval: titles: no usable rows in %s", file)
	}
	return out, nil
}

// governments maps a jurisdiction of the table to its government and the
// addressees its documents open with.
var governments = map[string]struct{ name, short, to string }{
	"Guangdong_Provincial_Government": {"广东省人民政府", "省政府", "各地级以上市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构："},
	"Henan_Provincial_Government":     {"河南省人民政府", "省政府", "各省辖市人民政府，济源示范区管委会，各县（市、区）人民政府，省人民政府各部门："},
	"Shanghai_Municipal_Government":   {"上海市人民政府", "市政府", "各区人民政府，市政府各委、办、局："},
	"Sichuan_Provincial_Government":   {"四川省人民政府", "省政府", "各市（州）人民政府，省政府各部门、各直属机构，有关单位："},
	"State_Council":                   {"国务院", "国务院", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："},
	"Yunnan_Provincial_Government":    {"云南省人民政府", "省政府", "各州、市人民政府，省直各委、办、厅、局："},
}

// titleAuthorityRE finds the issuing authorities at the head of a title:
// 广东省人民政府办公厅关于…, 中共云南省委办公厅 云南省人民政府办公厅印发…
var titleAuthorityRE = regexp.MustCompile(`^((?:\p{Han}{2,20}?(?:人民政府办公厅|人民政府|政府办公厅|政府|办公厅|委员会|厅|局)[ 、]?)+?)(?:关于|印发|转发|贯彻)`)

// rowAuthorities names the issuing authorities of a row: those at the head
// of its title (市政府 spelled out as 上海市人民政府; names without their
// place, such as 市环保局, and the forwarded authority of 转发…通知 are not
// taken), else the jurisdiction's
// government, or its general office when the 文号 is an office's (…办…).
func rowAuthorities(r titleRow) []string {
	g := governments[r.jurisdiction]
	var out []string
	if m := titleAuthorityRE.FindStringSubmatch(r.title); m != nil {
		for _, a := range strings.FieldsFunc(m[1], func(c rune) bool { return c == ' ' || c == '、' }) {
			switch a {
			case g.short, "市人民政府", "省人民政府":
				a = g.name
			case g.short + "办公厅", "市人民政府办公厅", "省人民政府办公厅":
				a = g.name + "办公厅"
			}
			// Only names that say whose they are: 市环保局 is not one.
			place := strings.TrimSuffix(g.name, "人民政府")
			if place == "" || !strings.HasPrefix(a, place) && !strings.HasPrefix(a, "国务院") && !strings.HasPrefix(a, "中共") {
				continue
			}
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	if g.name == "" {
		return []string{"国务院"}
	}
	if strings.Contains(r.number.Agency, "办") {
		return []string{g.name + "办公厅"}
	}
	return []string{g.name}
}

// titleKind maps a title and its 文号 to a kind: a 令 number is a rule; then
// by the title's last words.
func titleKind(title string, n gazette.DocNumber) gazette.Kind {
	t := strings.TrimSuffix(strings.TrimSuffix(title, "（废止）"), "(废止)")
	switch {
	case n.Kind == gazette.DocNumberOrder:
		return gazette.KindRule
	case strings.Contains(t, "任免"), strings.Contains(t, "免职"), strings.Contains(t, "任职"):
		return gazette.KindAppointment
	case strings.HasSuffix(t, "通知"), strings.HasSuffix(t, "通报"):
		return gazette.KindNotice
	case strings.HasSuffix(t, "决定"), strings.HasSuffix(t, "批复"), strings.HasSuffix(t, "命令"), strings.HasSuffix(t, "复函"):
		return gazette.KindDecision
	case strings.HasSuffix(t, "公告"), strings.HasSuffix(t, "通告"):
		return gazette.KindAnnouncement
	case strings.HasSuffix(t, "意见"), strings.HasSuffix(t, "办法"), strings.HasSuffix(t, "规定"),
		strings.HasSuffix(t, "细则"), strings.HasSuffix(t, "方案"), strings.HasSuffix(t, "规划"):
		return gazette.KindNormative
	}
	return gazette.KindOther
}

// lawParagraphs collects the body paragraphs of the laws, in ID order, as
// the pool generated bodies draw from.
func lawParagraphs(laws *LawCorpus) []string {
	var out []string
	for _, d := range laws.Docs {
		for _, p := range d.Body {
			if strings.HasPrefix(p, "第") && strings.ContainsAny(p, "，。") {
				out = append(out, p)
			}
		}
	}
	return out
}

// GazetteSize is the number of documents in the generated gazette.
const GazetteSize = 300

// BuildGazette generates the small gazette the hand-written queries run
// against: GazetteSize real titles with their real 文号 and dates, taken at
// an even stride from the joined table (in file order, skipping repeated
// numbers and titles), with bodies of real law text. It is deterministic:
// the same corpus gives the same documents and IDs.
//
//   - Issue: the year and month of publication (IssueKey{Year, Month});
//     position by date, then table order.
//   - Authorities: as rowAuthorities; kind: as titleKind.
//   - Validity: in force, except titles marked （废止） and every ninth
//     document, which are Expired (已失效).
//   - Body: the addressees, a sentence naming the document, six paragraphs
//     of law text chosen by position, and the signature with the date in
//     Chinese numerals.
func BuildGazette(corpusDir string) ([]gazette.SearchDoc, error) {
	rows, err := loadTitles(filepath.Join(corpusDir, DocnumsFile))
	if err != nil {
		return nil, err
	}
	laws, err := LoadLaws(filepath.Join(corpusDir, LawsDir))
	if err != nil {
		return nil, err
	}
	return buildGazette(rows, lawParagraphs(laws))
}

func buildGazette(rows []titleRow, pool []string) ([]gazette.SearchDoc, error) {
	if len(pool) == 0 {
		return nil, fmt.Errorf("searcheval: gazette: no law paragraphs")
	}
	stride := max(1, len(rows)/GazetteSize)
	seenNum, seenTitle := map[string]bool{}, map[string]bool{}
	var picked []titleRow
	for i := 0; len(picked) < GazetteSize && i < len(rows)*stride; i += stride {
		// Walk the table GazetteSize times at the stride, shifting by one
		// each lap, until enough distinct rows are found.
		r := rows[(i+i/len(rows))%len(rows)]
		num := r.number.String()
		if seenNum[num] || seenTitle[r.title] || len(r.title) > 3*gazette.MaxTitleRunes {
			continue
		}
		seenNum[num], seenTitle[r.title] = true, true
		picked = append(picked, r)
	}
	order := make([]int, len(picked))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return picked[a].published.Compare(picked[b].published) })
	seq := map[gazette.IssueKey]int{}
	pages := map[gazette.IssueKey]int{}
	docs := make([]gazette.SearchDoc, 0, len(picked))
	for _, i := range order {
		r := picked[i]
		key := gazette.IssueKey{Year: r.published.Year, Number: int(r.published.Month)}
		seq[key]++
		auth := rowAuthorities(r)
		body := []string{governments[r.jurisdiction].to, "现将《" + r.title + "》有关事项发布如下，请认真贯彻执行。"}
		start := (i * 7919) % len(pool)
		for k := range 6 {
			body = append(body, pool[(start+k)%len(pool)])
		}
		body = append(body, strings.Join(auth, " "), r.signed.Chinese())
		first := pages[key] + 1
		pages[key] = first + 1
		d := gazette.Document{
			ID: gazette.DocumentID(key, seq[key]), Issue: key, Title: r.title, Kind: titleKind(r.title, r.number),
			DocNumber: r.number.String(), Authorities: auth, Signed: r.signed, Published: r.published,
			Validity: gazette.Status{State: gazette.InForce}, Body: body,
			Pages: gazette.PageRange{First: first, Last: first + 1}, Version: 1,
		}
		if strings.Contains(r.title, "废止）") || strings.Contains(r.title, "废止)") || i%9 == 8 {
			d.Validity = gazette.Status{State: gazette.Expired}
		}
		if err := d.Validate(); err != nil {
			return nil, fmt.Errorf("searcheval: gazette: %s %q: %w", d.ID, d.Title, err)
		}
		docs = append(docs, gazette.SearchDoc{Document: d, Fingerprint: "gazette-" + d.ID})
	}
	slices.SortFunc(docs, func(a, b gazette.SearchDoc) int { return strings.Compare(a.ID, b.ID) })
	return docs, nil
}
