// Package editorial is the service layer of the editors' side of the
// gazette: accounts and roles, sign-in sessions with CSRF tokens and
// throttling of failed sign-ins, API tokens, draft issues with their approval workflow,
// corrections (勘误) and validity changes of published documents, and the
// audit log of every editorial action. The archivists' desk uses the same
// drafts: a file ingest could not publish is a draft with its reasons
// (QueueForReview), whose pages can be read again by OCR with other
// settings (RereadPage); and the sampling proofread estimates the
// character error rate of each year and each ingest batch (Quality).
//
// Everything it keeps lives in the configured object storage under the
// "editorial/" prefix, reached through the Blobs interface declared here, so
// that several server replicas share accounts, sessions and drafts. Every
// update of a shared record is a conditional write (If-Match on its ETag):
// no change is ever silently lost.
//
// Sign-in never tells which names are accounts: a wrong name, a wrong
// password and a disabled account fail alike, after one password hash of
// the same cost (a name that is no account is checked against a dummy
// hash; a password is hashed over at most MaxPasswordBytes). Failures do
// not lock an account, which would let anyone shut an editor out: after a
// few free ones, the name, account or not, and the client address are
// throttled with a wait that doubles with each further failure up to a
// cap (LockedError, which says how long). A browser that signed in to the
// account before keeps a device token (Session.Device, a cookie) and is
// not held by strangers' failures, only by its own: its owner signs in
// with the right password while the name is under attack.
//
// Every method that acts on behalf of someone takes an Actor, checks its
// role and writes the audit entry itself, so no caller can forget either.
// Actors come from SignIn, Authenticate, AuthenticateToken, or CommandLine
// for the operator at the console.
//
// editorial imports the domain (gazette) and ingest/report (ingest's results
// and batch records, not its decoders); it must not import archive, its
// adapters, ingest itself, frontend or gin: the archive methods it
// calls are declared here as interfaces (Archive) and HTTP stays in
// frontend.
package editorial
