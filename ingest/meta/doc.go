// Package meta reads the metadata of a gazette issue and of its documents
// from their text.
//
// For the issue (from the cover and first pages): year, number (2019年第12期,
// 第12期, 第十二期), total number (总第612期) and date (二〇一九年四月三十日
// included). For a document: its title (joined from wrapped title lines), 文号
// (canonical through gazette.ParseDocNumber where gazette reads it, else the
// raw string), kind, issuing authorities (the signature block; joint
// documents have several; a 令 signed by a 省长 is issued by the government
// its heading names), signed date (成文日期), effective date (自…起施行) and
// expiry (有效期至…, 有效期N年).
//
// A title printed in pieces (…关于进一步加强城 / 乡居民饮用水…的通知) is made
// whole once: TitleParagraphs finds the paragraphs that print it, at the top
// or under an original's 版头, so the text need not repeat it, and
// TitleReview says, in Chinese for the editors, when a title still looks cut
// (it ends with 的, 第 or 关于; the text opens with a piece of it).
// IsRecordLine tells the 版记's 抄送 and 印发 lines, which close a document.
//
// An agency's original (GB/T 9704-2012) is read part by part (Original):
// Masthead reads the 版头 above the title (registration number such as
// HFGS—2016—3 or GZ0320150155, 份号, 密级, 紧急程度, the 发文机关标志 …文件 with
// joint issuers stacked or run together, the 文号 and 签发人; on a scan,
// lines of it that layout ran into one paragraph are split), Record the
// 版记 at the end (抄送, 印发机关, 印发日期), Recipients the 主送机关 and Note
// the 附注 (（此件公开发布）, 公开方式). Extract looks for the title under the
// 版头, takes the authorities from the 发文机关标志 before the signature (seals
// often stand for it), and returns the rest as fields of their own; every
// line of them stays in the text.
//
// Quoted titles nest: 《云南省实施〈中华人民共和国国防教育法〉办法》, and the
// doubled 《…《…》…》 some typesetters print, are one title (Quoted), so a
// 令 yields the rule it promulgates, not the law that rule implements.
//
// Conventions, stated once here:
//   - 自公布之日起施行, 自印发之日起施行, 自发布之日起施行 and 自即日起 take
//     the signed date as the effective date: the document carries no other
//     publication date.
//   - 有效期N年 runs from the effective date (else the signed date) and ends
//     the day before its N-th anniversary: 2019-05-01 + 5 years → 2024-04-30.
//   - Republic of China dates (中華民國101年8月29日) are read as Gregorian
//     (year + 1911), and traditional characters (關於, 號) are accepted.
//
// It is pure computation: it imports gazette, ingest/layout and the
// standard library, and must not import os, net, archive or frontend.
package meta
