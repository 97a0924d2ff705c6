// Package editorial is the service layer of the editors' side of the
// gazette: accounts and roles, sign-in sessions with CSRF tokens and
// lockout, API tokens, draft issues with their approval workflow,
// corrections (勘误) and validity changes of published documents, and the
// audit log of every editorial action.
//
// Everything it keeps lives in the configured object storage under the
// "editorial/" prefix, reached through the Blobs interface declared here, so
// that several server replicas share accounts, sessions and drafts. Every
// update of a shared record is a conditional write (If-Match on its ETag):
// no change is ever silently lost.
//
// Every method that acts on behalf of someone takes an Actor, checks its
// role and writes the audit entry itself, so no caller can forget either.
// Actors come from SignIn, Authenticate, AuthenticateToken, or CommandLine
// for the operator at the console.
//
// editorial imports the domain (gazette) and the ingest result type; it must
// not import archive, its adapters, frontend or gin: the archive methods it
// calls are declared here as interfaces (Archive) and HTTP stays in
// frontend.
package editorial
