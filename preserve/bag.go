package preserve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
)

// File is one file of a bag: its path in the bag, its size and SHA-256,
// and where its bytes are: an object in storage (Key) or made in memory
// (Data, for tag files).
type File struct {
	Path   string
	Size   int64
	SHA256 string
	Key    string
	Data   []byte
}

// Bag is a BagIt bag (RFC 8493) described before any payload is read:
// every file with its size and SHA-256, the tag files made. Name is the
// bag's base directory; Files are in the order they are written, payload
// first. Modified is the time the files carry in an archive of the bag.
type Bag struct {
	Name     string
	Modified time.Time
	Files    []File
}

// Bagger describes bags of published issues. Only published issues (those
// with a committed manifest) are ever in a bag: a scheduled issue is not
// published until its moment, so the embargo holds.
type Bagger struct {
	Blobs   archive.Blobs
	Archive *archive.Archive
	// Log, if set, gives each issue and correction its proof
	// (proofs/*.tlog-proof tag files) and the bag the log's keyring
	// (log-keys.json).
	Log *transparency.Log
	// Organization is the bag's Source-Organization (the gazette's name);
	// empty: the name the issues print.
	Organization string
}

// IssueBag describes the bag of one published issue. Errors:
// gazette.ErrNotFound (not published), gazette.ErrCorrupt, storage errors.
func (b Bagger) IssueBag(ctx context.Context, key gazette.IssueKey) (*Bag, error) {
	bag := &Bag{Name: "gazette-" + key.String()}
	var tags []File
	if err := b.addIssue(ctx, bag, &tags, key); err != nil {
		return nil, err
	}
	return b.finish(ctx, bag, tags, key.String())
}

// YearBag describes the bag of every issue published in year. Errors:
// gazette.ErrNotFound (nothing published that year), those of IssueBag.
func (b Bagger) YearBag(ctx context.Context, year int) (*Bag, error) {
	issues, err := b.Archive.Issues(ctx, year)
	if err != nil {
		return nil, err
	}
	if len(issues) == 0 {
		return nil, fmt.Errorf("preserve: bag of %d: no issue published: %w", year, gazette.ErrNotFound)
	}
	bag := &Bag{Name: "gazette-" + strconv.Itoa(year)}
	var tags []File
	for _, is := range issues {
		if err := b.addIssue(ctx, bag, &tags, is.Key()); err != nil {
			return nil, err
		}
	}
	return b.finish(ctx, bag, tags, strconv.Itoa(year))
}

// addIssue adds the payload of one issue (its manifest, print PDF and
// every version of every document's record) and its proofs.
func (b Bagger) addIssue(ctx context.Context, bag *Bag, tags *[]File, key gazette.IssueKey) error {
	m, err := b.Archive.Manifest(ctx, key)
	if err != nil {
		return err
	}
	e, err := b.Archive.IssueLogEntry(ctx, key)
	if err != nil {
		return err
	}
	dir := "data/" + key.String() + "/"
	mk := "issues/" + strconv.Itoa(key.Year) + "/" + key.String() + ".json"
	bag.Files = append(bag.Files,
		File{Path: dir + "manifest.json", Key: mk, SHA256: e.Objects[0].SHA256, Size: e.Objects[0].Size},
		File{Path: dir + "issue.pdf", Key: m.PDF.Key, SHA256: m.PDF.SHA256, Size: m.PDF.Size})
	if m.Issue.Published.After(bag.Modified) {
		bag.Modified = m.Issue.Published
	}
	if err := b.addProof(ctx, tags, "proofs/"+key.String()+".tlog-proof", e); err != nil {
		return err
	}
	for _, ref := range m.Documents {
		h, err := b.Archive.History(ctx, ref.ID)
		if err != nil {
			return err
		}
		bag.Files = append(bag.Files, File{Path: dir + "records/" + ref.ID + ".v1.json", Key: ref.Key, SHA256: ref.SHA256, Size: ref.Size})
		for _, v := range h.Versions[min(1, len(h.Versions)):] {
			name := fmt.Sprintf("%s.v%d", ref.ID, v.Number)
			bag.Files = append(bag.Files, File{Path: dir + "records/" + name + ".json", Key: "records/" + v.SHA256 + ".json", SHA256: v.SHA256, Size: v.Size})
			if v.At.After(bag.Modified) {
				bag.Modified = v.At
			}
			ce, err := b.Archive.DocumentLogEntry(ctx, ref.ID, v.Number)
			if err != nil {
				return err
			}
			if err := b.addProof(ctx, tags, "proofs/"+name+".tlog-proof", ce); err != nil {
				return err
			}
		}
	}
	return nil
}

// addProof adds the proof of entry e as a tag file, when there is a log.
func (b Bagger) addProof(ctx context.Context, tags *[]File, path string, e archive.LogEntry) error {
	if b.Log == nil {
		return nil
	}
	text, err := e.MarshalText()
	if err != nil {
		return err
	}
	p, err := b.Log.Prove(ctx, text)
	if err != nil {
		return fmt.Errorf("preserve: proof of %s %s: %w", e.Event, e.Subject, err)
	}
	raw, err := p.MarshalText()
	if err != nil {
		return err
	}
	*tags = append(*tags, dataFile(path, raw))
	return nil
}

func dataFile(path string, data []byte) File {
	s := sha256.Sum256(data)
	return File{Path: path, Data: data, Size: int64(len(data)), SHA256: hex.EncodeToString(s[:])}
}

// finish adds the BagIt tag files: bagit.txt, bag-info.txt,
// manifest-sha256.txt, the proofs and keyring, and tagmanifest-sha256.txt
// over them all.
func (b Bagger) finish(ctx context.Context, bag *Bag, extra []File, id string) (*Bag, error) {
	var manifest bytes.Buffer
	var oxum int64
	for _, f := range bag.Files {
		fmt.Fprintf(&manifest, "%s  %s\n", f.SHA256, f.Path)
		oxum += f.Size
	}
	org := b.Organization
	if org == "" {
		if is, err := b.Archive.Latest(ctx); err == nil {
			org = is.Gazette
		}
	}
	info := fmt.Sprintf("Source-Organization: %s\nExternal-Identifier: %s\nExternal-Description: %s\nBagging-Date: %s\nPayload-Oxum: %d.%d\nBag-Software-Agent: gazette\n",
		org, id, "Issues of the gazette as published, with the transparency log's proofs (proofs/*.tlog-proof; check with gazette verify)",
		bag.Modified.In(gazette.ChinaTime).Format("2006-01-02"), oxum, len(bag.Files))
	tags := []File{
		dataFile("bagit.txt", []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")),
		dataFile("bag-info.txt", []byte(info)),
		dataFile("manifest-sha256.txt", manifest.Bytes()),
	}
	if b.Log != nil {
		ring, err := json.MarshalIndent(b.Log.Keyring(), "", "  ")
		if err != nil {
			return nil, err
		}
		tags = append(tags, dataFile("log-keys.json", append(ring, '\n')))
	}
	tags = append(tags, extra...)
	var tm bytes.Buffer
	for _, f := range tags {
		fmt.Fprintf(&tm, "%s  %s\n", f.SHA256, f.Path)
	}
	tags = append(tags, dataFile("tagmanifest-sha256.txt", tm.Bytes()))
	bag.Files = append(bag.Files, tags...)
	return bag, nil
}

// Size is the total size of the bag's files.
func (bag *Bag) Size() int64 {
	var n int64
	for _, f := range bag.Files {
		n += f.Size
	}
	return n
}

// ETag identifies the bag's bytes: the same while nothing in it changes
// (a proof to a newer checkpoint changes it).
func (bag *Bag) ETag() string {
	h := sha256.New()
	for _, f := range bag.Files {
		fmt.Fprintf(h, "%s %s %d\n", f.Path, f.SHA256, f.Size)
	}
	return `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`
}

// WriteDir writes the bag under dir (dir/<bag.Name>/...), copying each
// payload file from storage and checking its SHA-256 as it goes; a file
// that does not match is removed and reported (gazette.ErrCorrupt). A bag
// already there is replaced file by file.
func (b Bagger) WriteDir(ctx context.Context, dir string, bag *Bag) error {
	root := filepath.Join(dir, bag.Name)
	for _, f := range bag.Files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := b.writeFile(ctx, p, f); err != nil {
			return fmt.Errorf("preserve: bag %s: %w", bag.Name, err)
		}
	}
	return nil
}

func (b Bagger) writeFile(ctx context.Context, p string, f File) (err error) {
	tmp := p + ".part"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	src, err := openFile(ctx, b.Blobs, f)
	if err != nil {
		return err
	}
	_, err = copyChecked(out, src, f)
	src.Close()
	if err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// BagYears lists the issues and years that have bags: every published
// issue key, by year.
func BagYears(ctx context.Context, a *archive.Archive) (map[int][]gazette.IssueKey, error) {
	years, err := a.Years(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int][]gazette.IssueKey{}
	for _, y := range years {
		issues, err := a.Issues(ctx, y)
		if err != nil {
			return nil, err
		}
		for _, is := range issues {
			out[y] = append(out[y], is.Key())
		}
	}
	return out, nil
}
