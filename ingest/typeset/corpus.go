package typeset

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// corpusSource reads real law articles and real titles, 文号 and dates.
type corpusSource struct {
	laws  []string               // law files, sorted
	rows  map[string][]corpusRow // by jurisdiction, sorted by date
	provs map[string]Province    // jurisdiction → province
	keys  []string               // jurisdictions with rows, sorted
	arts  map[string][]string    // law file → articles, read at load
	names map[string]string      // law file → its title
}

type corpusRow struct {
	title, number string
	date          gazette.Date
}

// jurisdictions of joined_title_docnum_dates.tsv.gz that publish a
// provincial gazette.
var corpusProvinces = map[string]Province{
	"Guangdong_Provincial_Government": {Name: "广东省", Short: "粤", Level: "省"},
	"Henan_Provincial_Government":     {Name: "河南省", Short: "豫", Level: "省"},
	"Shanghai_Municipal_Government":   {Name: "上海市", Short: "沪", Level: "市"},
	"Sichuan_Provincial_Government":   {Name: "四川省", Short: "川", Level: "省"},
	"Yunnan_Provincial_Government":    {Name: "云南省", Short: "云", Level: "省"},
}

// Corpus returns a source over the shared corpus at dir (the directory
// holding laws/ and docnum/): law articles from laws/**/*.md, and real
// titles, 文号 and dates from docnum/joined_title_docnum_dates.tsv.gz. It
// reads all it needs now, so Material does no I/O.
func Corpus(dir string) (Source, error) {
	s := &corpusSource{rows: map[string][]corpusRow{}, provs: corpusProvinces, arts: map[string][]string{}, names: map[string]string{}}
	err := filepath.WalkDir(filepath.Join(dir, "laws"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") && !strings.Contains(d.Name(), "模版") {
			name, arts, err := readLaw(path)
			if err != nil {
				return err
			}
			if len(arts) >= 6 && name != "" {
				s.laws = append(s.laws, path)
				s.arts[path], s.names[path] = arts, name
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("typeset: corpus laws: %w", err)
	}
	sort.Strings(s.laws)
	f, err := os.Open(filepath.Join(dir, "docnum", "joined_title_docnum_dates.tsv.gz"))
	if err != nil {
		return nil, fmt.Errorf("typeset: corpus: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("typeset: corpus docnum: %w", err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 4 || s.provs[c[0]].Name == "" {
			continue
		}
		d, err := gazette.ParseDate(c[3])
		if err != nil || c[1] == "" {
			continue
		}
		if _, err := gazette.NormalizeDocNumber(c[2]); err != nil {
			continue
		}
		s.rows[c[0]] = append(s.rows[c[0]], corpusRow{title: c[1], number: strings.TrimSpace(c[2]), date: d})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("typeset: corpus docnum: %w", err)
	}
	for k, rs := range s.rows {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].date.Compare(rs[j].date) < 0 })
		s.keys = append(s.keys, k)
	}
	sort.Strings(s.keys)
	if len(s.laws) == 0 || len(s.keys) == 0 {
		return nil, fmt.Errorf("typeset: corpus %s: no laws or no titles", dir)
	}
	return s, nil
}

// readLaw returns the title (# line) and the article paragraphs (第X条 …)
// of a law file, read after its <!-- INFO END --> line.
func readLaw(path string) (string, []string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	text := string(b)
	name := ""
	if t, ok := strings.CutPrefix(text, "# "); ok {
		name, _, _ = strings.Cut(t, "\n")
		name = strings.TrimSpace(name)
	}
	if i := strings.Index(text, "<!-- INFO END -->"); i >= 0 {
		text = text[i:]
	}
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(l, "#"))
		if articleHead(l, '条') != "" && len([]rune(l)) < 400 {
			out = append(out, l)
		}
	}
	return name, out, nil
}

func (s *corpusSource) Name() string { return "corpus" }

func (s *corpusSource) Province(_ context.Context, rng *rand.Rand) (Province, gazette.Date, error) {
	k := s.keys[rng.IntN(len(s.keys))]
	rs := s.rows[k]
	d := rs[rng.IntN(len(rs))].date
	return s.provs[k], addDays(d, 5+rng.IntN(20)), nil
}

func (s *corpusSource) Material(ctx context.Context, rng *rand.Rand, p Province, slot Slot, issue gazette.Date) (Material, error) {
	path := s.laws[rng.IntN(len(s.laws))]
	law := s.arts[path]
	start := rng.IntN(max(len(law)-6, 1))
	arts := law[start:min(len(law), start+6+rng.IntN(8))]
	switch slot {
	case SlotOrder:
		return Material{Title: p.Name + "实施《" + s.names[path] + "》办法", Articles: arts}, nil
	case SlotGovernment, SlotOffice:
		var key string
		for k, v := range s.provs {
			if v == p {
				key = k
			}
		}
		r, ok := s.pick(rng, key, slot, issue)
		if !ok {
			return builtinSource{}.Material(ctx, rng, p, slot, issue)
		}
		var paras []string
		for i, a := range arts[:min(len(arts), 3+rng.IntN(3))] {
			body := strings.TrimSpace(a[len(articleHead(a, '条')):])
			paras = append(paras, gazette.ChineseNumber(i+1)+"、"+body)
		}
		return Material{Title: r.title, DocNumber: r.number, Signed: r.date, Paragraphs: paras}, nil
	}
	return builtinSource{}.Material(ctx, rng, p, slot, issue)
}

// pick draws a row for slot dated within 120 days before the issue, or
// any row of the slot if there is none.
func (s *corpusSource) pick(rng *rand.Rand, key string, slot Slot, issue gazette.Date) (corpusRow, bool) {
	var near, all []corpusRow
	from := addDays(issue, -120)
	for _, r := range s.rows[key] {
		office := strings.Contains(r.number, "办")
		if office != (slot == SlotOffice) || strings.Contains(r.number, "令") {
			continue
		}
		all = append(all, r)
		if r.date.Compare(from) >= 0 && r.date.Compare(issue) <= 0 {
			near = append(near, r)
		}
	}
	if len(near) > 0 {
		return near[rng.IntN(len(near))], true
	}
	if len(all) > 0 {
		return all[rng.IntN(len(all))], true
	}
	return corpusRow{}, false
}
