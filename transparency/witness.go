package transparency

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"golang.org/x/mod/sumdb/tlog"
)

// Witness is an independent cosigner of the log's checkpoints (C2SP
// tlog-witness): it checks that each checkpoint it is shown extends the
// last one it cosigned, and cosigns it (C2SP tlog-cosignature), so that a
// log that shows different histories to different readers is caught.
type Witness struct {
	// Key is the witness's cosignature key,
	// "<name>+<hash>+<base64(0x04 ‖ Ed25519 public key)>".
	Key string `json:"key"`
	// URL is the prefix of its tlog-witness API (…/add-checkpoint); the
	// log submits each new checkpoint there. Empty: the witness's
	// cosignatures are checked, but the log does not submit to it.
	URL string `json:"url,omitempty"`
}

// cosignatureAlg is the signature type of tlog-cosignature/v1 keys.
const cosignatureAlg = 0x04

// witnessKey is a parsed cosignature key.
type witnessKey struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

// parseWitnessKey parses a cosignature verifier key. Errors:
// gazette.ErrInvalid.
func parseWitnessKey(vkey string) (witnessKey, error) {
	bad := func(why string) (witnessKey, error) {
		return witnessKey{}, fmt.Errorf("transparency: witness key %q: %s: %w", vkey, why, gazette.ErrInvalid)
	}
	name, rest, _ := strings.Cut(vkey, "+")
	hash16, key64, _ := strings.Cut(rest, "+")
	id, err := strconv.ParseUint(hash16, 16, 32)
	if name == "" || err != nil || len(hash16) != 8 {
		return bad("want name+hash+key")
	}
	raw, err := base64.StdEncoding.DecodeString(key64)
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != cosignatureAlg {
		return bad("not a tlog-cosignature/v1 (Ed25519) key")
	}
	k := witnessKey{name: name, id: uint32(id), pub: ed25519.PublicKey(raw[1:])}
	if k.id != keyID(name, raw) {
		return bad("its hash does not match its name and key")
	}
	return k, nil
}

// keyID is the signed-note key ID: SHA-256(name ‖ "\n" ‖ type ‖ key)[:4].
func keyID(name string, typedKey []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write(typedKey)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// cosignedMessage is what a tlog-cosignature/v1 signs.
func cosignedMessage(body string, t uint64) []byte {
	return []byte(fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, body))
}

// NewWitnessKey returns a witness cosignature key pair for name: the
// Ed25519 private key and the verifier key to list in a Keyring.
// Witnesses are other parties' services; this is for tests and for
// running one.
func NewWitnessKey(name string) (ed25519.PrivateKey, string, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, "", err
	}
	typed := append([]byte{cosignatureAlg}, pub...)
	return priv, fmt.Sprintf("%s+%08x+%s", name, keyID(name, typed), base64.StdEncoding.EncodeToString(typed)), nil
}

// Cosign returns the cosignature line of a witness named name, with key
// priv, on the checkpoint body at time t (seconds since 1970).
func Cosign(name string, priv ed25519.PrivateKey, body string, t uint64) string {
	typed := append([]byte{cosignatureAlg}, priv.Public().(ed25519.PublicKey)...)
	sig := binary.BigEndian.AppendUint32(nil, keyID(name, typed))
	sig = binary.BigEndian.AppendUint64(sig, t)
	sig = append(sig, ed25519.Sign(priv, cosignedMessage(body, t))...)
	return "— " + name + " " + base64.StdEncoding.EncodeToString(sig) + "\n"
}

// signatureLines splits a signed note into its body and signature lines.
func signatureLines(raw []byte) (string, []string) {
	i := bytes.LastIndex(raw, []byte("\n\n"))
	if i < 0 {
		return "", nil
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(string(raw[i+2:]), "\n"), "\n") {
		if l != "" {
			lines = append(lines, l+"\n")
		}
	}
	return string(raw[:i+1]), lines
}

// cosigners returns the names of the witnesses of ring whose cosignature
// on the checkpoint raw verifies, each once, with the time it gives.
func (r Keyring) cosigners(raw []byte) (map[string]time.Time, error) {
	body, lines := signatureLines(raw)
	out := map[string]time.Time{}
	for _, w := range r.Witnesses {
		k, err := parseWitnessKey(w.Key)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			name, sig64, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(l, "— "), "\n"), " ")
			if !ok || name != k.name {
				continue
			}
			sig, err := base64.StdEncoding.DecodeString(sig64)
			if err != nil || len(sig) != 4+8+ed25519.SignatureSize || binary.BigEndian.Uint32(sig) != k.id {
				continue
			}
			t := binary.BigEndian.Uint64(sig[4:])
			if ed25519.Verify(k.pub, cosignedMessage(body, t), sig[12:]) {
				out[k.name] = time.Unix(int64(t), 0).UTC()
			}
		}
	}
	return out, nil
}

// checkQuorum checks that raw carries at least ring.Quorum verified
// cosignatures of ring's witnesses.
func (r Keyring) checkQuorum(raw []byte) (map[string]time.Time, error) {
	got, err := r.cosigners(raw)
	if err != nil {
		return nil, err
	}
	if len(got) < r.Quorum {
		return got, fmt.Errorf("checkpoint: cosigned by %d of the witnesses the keyring names, it requires %d: no independent witness vouches that this history is the one everybody sees: %w", len(got), r.Quorum, gazette.ErrCorrupt)
	}
	return got, nil
}

// witnessTimeout bounds one submission to a witness.
const witnessTimeout = 10 * time.Second

// cosign submits the checkpoint of tree to every witness with a URL and
// adds the cosignatures they return to log/checkpoint. A witness that does
// not answer, or refuses, is logged and skipped: publication never waits
// on a witness, and verifiers that require a quorum see the checkpoint as
// not yet cosigned.
func (l *Log) cosign(ctx context.Context, tree tlog.Tree) {
	if len(l.ring.Witnesses) == 0 {
		return
	}
	// Witnesses whose cosignature the checkpoint carries already are not
	// asked again (Integrate at every start-up would otherwise).
	have := map[string]bool{}
	if raw, _, err := l.read(ctx, checkpointKey, 1<<20); err == nil {
		_, sigs := signatureLines(raw)
		for _, line := range sigs {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "— "), " ")
			have[name] = true
		}
	}
	var lines []string
	for _, w := range l.ring.Witnesses {
		if k, err := parseWitnessKey(w.Key); w.URL == "" || err != nil || have[k.name] {
			continue
		}
		line, err := l.submit(ctx, w, tree)
		if err != nil {
			l.log.WarnContext(ctx, "witness did not cosign", "witness", w.URL, "size", tree.N, "err", err)
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return
	}
	if err := l.addCosignatures(ctx, tree, lines); err != nil {
		l.log.WarnContext(ctx, "cosignatures not stored", "size", tree.N, "err", err)
	}
}

// submit sends the checkpoint of tree to witness w (tlog-witness
// add-checkpoint) and returns its cosignature line. When the witness has
// seen another size than the log assumed, it says so (409) and the
// request is made again from that size.
func (l *Log) submit(ctx context.Context, w Witness, tree tlog.Tree) (string, error) {
	k, err := parseWitnessKey(w.Key)
	if err != nil {
		return "", err
	}
	raw, _, err := l.read(ctx, checkpointKey, 1<<20)
	if err != nil {
		return "", err
	}
	body, _ := signatureLines(raw)
	if body != checkpointBody(l.origin, tree) {
		return "", fmt.Errorf("the checkpoint moved on meanwhile")
	}
	l.mu.Lock()
	old := l.witnessed[k.name]
	l.mu.Unlock()
	for range 2 {
		if old > tree.N {
			return "", fmt.Errorf("the witness has seen %d entries, more than the log's %d: a fork? %w", old, tree.N, gazette.ErrCorrupt)
		}
		var proof tlog.TreeProof
		if old > 0 && old < tree.N { // from nothing, or to itself, the proof is empty
			if proof, err = tlog.ProveTree(tree.N, old, tlog.TileHashReader(tree, l.tiles(ctx))); err != nil {
				return "", err
			}
		}
		var req bytes.Buffer
		fmt.Fprintf(&req, "old %d\n", old)
		for _, h := range proof {
			req.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
		}
		req.WriteString("\n")
		req.Write(raw)
		cctx, cancel := context.WithTimeout(ctx, witnessTimeout)
		status, answer, err := post(cctx, strings.TrimSuffix(w.URL, "/")+"/add-checkpoint", req.Bytes())
		cancel()
		if err != nil {
			return "", err
		}
		switch status {
		case http.StatusOK:
			for _, line := range strings.SplitAfter(string(answer), "\n") {
				if strings.HasPrefix(line, "— "+k.name+" ") {
					l.mu.Lock()
					l.witnessed[k.name] = tree.N
					l.mu.Unlock()
					return line, nil
				}
			}
			return "", fmt.Errorf("the witness answered no cosignature by %s", k.name)
		case http.StatusConflict:
			n, err := strconv.ParseInt(strings.TrimSpace(string(answer)), 10, 64)
			if err != nil {
				return "", fmt.Errorf("409 without a tree size")
			}
			old = n
			continue
		default:
			return "", fmt.Errorf("witness answered %d: %.200s", status, answer)
		}
	}
	return "", fmt.Errorf("the witness kept disagreeing on its last size")
}

// addCosignatures adds lines to log/checkpoint if it still signs tree,
// replacing earlier cosignatures by the same witnesses.
func (l *Log) addCosignatures(ctx context.Context, tree tlog.Tree, lines []string) error {
	for n := range appendAttempts {
		if n > 0 {
			if err := backoff(ctx, n); err != nil {
				return err
			}
		}
		raw, info, err := l.read(ctx, checkpointKey, 1<<20)
		if err != nil {
			return err
		}
		body, have := signatureLines(raw)
		if body != checkpointBody(l.origin, tree) {
			return nil // a newer checkpoint: it will be cosigned in turn
		}
		named := map[string]bool{}
		for _, line := range lines {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "— "), " ")
			named[name] = true
		}
		var b strings.Builder
		b.WriteString(body + "\n")
		for _, line := range have {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "— "), " ")
			if !named[name] {
				b.WriteString(line)
			}
		}
		for _, line := range lines {
			b.WriteString(line)
		}
		out := []byte(b.String())
		_, err = l.blobs.Put(ctx, checkpointKey, bytes.NewReader(out), int64(len(out)),
			gazette.PutOptions{IfMatch: info.ETag, ContentType: "text/plain; charset=utf-8"})
		if errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound) {
			continue
		}
		return err
	}
	return fmt.Errorf("%s kept changing: %w", checkpointKey, gazette.ErrConflict)
}

// post sends body to url and returns the status and the answer.
func post(ctx context.Context, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, answer, err
}

// ParseAddCheckpoint decodes a tlog-witness add-checkpoint request body:
// the size the witness last saw, the consistency proof from it, and the
// signed checkpoint. For witnesses (and tests) written in Go.
func ParseAddCheckpoint(body []byte) (old int64, proof tlog.TreeProof, checkpoint []byte, err error) {
	head, cp, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return 0, nil, nil, fmt.Errorf("add-checkpoint: no blank line: %w", gazette.ErrInvalid)
	}
	sc := bufio.NewScanner(bytes.NewReader(head))
	for n := 0; sc.Scan(); n++ {
		if n == 0 {
			if old, err = strconv.ParseInt(strings.TrimPrefix(sc.Text(), "old "), 10, 64); err != nil || !strings.HasPrefix(sc.Text(), "old ") {
				return 0, nil, nil, fmt.Errorf("add-checkpoint: first line %q: %w", sc.Text(), gazette.ErrInvalid)
			}
			continue
		}
		h, err := base64.StdEncoding.DecodeString(sc.Text())
		if err != nil || len(h) != tlog.HashSize {
			return 0, nil, nil, fmt.Errorf("add-checkpoint: line %d: %w", n+1, gazette.ErrInvalid)
		}
		proof = append(proof, tlog.Hash(h))
	}
	return old, proof, cp, nil
}
