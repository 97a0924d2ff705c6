// Package browsertest runs the reader in real headless Chromium (driven with
// chromedp) at a phone's and a desktop's size: every page type loads without
// console errors or horizontal scrolling, text and tap targets are large
// enough, search works end to end, and read pages stay readable offline;
// and the editors' whole flow runs, from a typeset print PDF to a published
// issue and a correction.
// Screenshots go to $GAZETTE_ARTIFACTS (default: a temporary directory).
//
// It has tests only. Chromium is found at $GAZETTE_CHROMIUM or
// /usr/bin/chromium; without it the tests skip.
package browsertest
