// Package frontend is all of Gazette's HTTP: the JSON API, the HTML reader
// and the health endpoints. gin is used here and nowhere else.
//
// It declares the few methods it calls on the archive (interfaces at the
// consumer) and never imports an adapter, ingest or cmd.
package frontend
