// Package cite finds citations of other documents in a document's text: a
// 文号 in any spelling (闽政〔2019〕14号, 国务院令第588号, 国务院第588号令), and
// the 《title》 of a law, regulation or document, which may carry a
// revision year (《中华人民共和国行政许可法（2019年修正）》) or a number after it
// (《…办法》（省政府令第12号）). It types each citation by the words around it
// (根据《…》 is 依据, 《…》同时废止 is 废止), and decides, given the documents a
// lookup found, which one a citation means (Choose).
//
// Detection of 文号 reuses gazette.FindDocNumbers and gazette.ParseDocNumber;
// there is no second 文号 parser here.
//
// It is pure Go and performs no I/O: it imports gazette and the standard
// library only, never archive, frontend, ingest or an adapter.
package cite
