package gazette

import "strings"

// CSVCell defuses spreadsheet formula injection in a cell of a CSV export: a
// title, user name or detail that starts with = + - @ (or a tab or carriage
// return, which some spreadsheets skip) would run as a formula when the
// file is opened, so it is written after an apostrophe.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
