// Package transparency keeps the archive's public transparency log and
// checks what it proves. Every publication, correction, validity change
// and withdrawal is an entry of an append-only Merkle log (the archive
// appends it through archive.Ledger in the same step that makes the event
// visible); the log is stored through archive.Blobs, so the local
// directory and MinIO both hold it with the archive's durability rules, in
// the C2SP tlog-tiles layout under log/:
//
//	log/checkpoint                   the signed checkpoint (C2SP tlog-checkpoint, signed-note, Ed25519)
//	log/tile/<L>/<N>[.p/<W>]         hash tiles, create-only and immutable
//	log/tile/entries/<N>[.p/<W>]     entry bundles, create-only and immutable
//	log/state.json                   internal: the integrated tree and the entries sequenced after it
//	log/keys/<sha256 of entry>       internal: the index of each entry, for lookups
//
// Appending is two steps, as in tessera: an entry is sequenced by a
// conditional write (If-Match) of log/state.json, the one point where
// writers from several replicas are ordered; then it is integrated: the
// tiles and bundles it changes, all deterministic given the sequenced
// entries, are created (a copy already there must be identical, else the
// storage was tampered with), the checkpoint is advanced (If-Match, only
// ever forward) and the state cleared. Whoever finds sequenced entries not
// yet integrated (the next append, or Integrate at start-up) completes
// them, so a crash at any point loses nothing and repeats nothing.
//
// Witnesses (C2SP tlog-witness) named in the Keyring with a URL are sent
// each new checkpoint with a consistency proof; the cosignatures they
// return (C2SP tlog-cosignature/v1) are added to log/checkpoint, and a
// Keyring with a Quorum makes verifiers require them. A witness that does
// not answer never holds up an append.
//
// Proofs travel in the C2SP tlog-proof form: the entry (as the proof's
// extra data), its index, the inclusion proof and the signed checkpoint.
// Verify checks one offline against a file and a Keyring;
// CheckConsistency checks that a newer checkpoint extends an older one.
//
// Log.Audit checks the log as stored, for fixity audits (package
// preserve): the checkpoint's signature, every tile and bundle against the
// signed root (recomputed from the entries), the lookup keys, and that the
// log extends a checkpoint seen before.
//
// Merkle hashing, tiles and proofs are golang.org/x/mod/sumdb/tlog;
// signatures are golang.org/x/mod/sumdb/note. The package imports
// gazette, archive (its interfaces and the entry format) and those; never
// an adapter, frontend or cmd.
package transparency
