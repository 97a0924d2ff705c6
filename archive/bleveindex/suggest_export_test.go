package bleveindex

import "github.com/gazette-archive/gazette/gazette"

// SuggestHits returns what the suggestion table knows of the documents
// ids (typeahead.Table.Hits).
func (x *Index) SuggestHits(ids []string) ([]gazette.Hit, []bool) { return x.suggest.Hits(ids) }

// BeginWrite, WriteOnly and EndWrite are the steps of Put, for tests that
// look at the index between them: WriteOnly writes docs to bleve, and
// alone is a write the suggestion table is not told of.
func (x *Index) BeginWrite(docs []gazette.SearchDoc) { x.beginWrite(docIDs(docs)) }

func (x *Index) WriteOnly(docs []gazette.SearchDoc) error {
	batch := x.b.NewBatch()
	for i := range docs {
		doc, err := docOf(&docs[i], x.common.Load())
		if err != nil {
			return err
		}
		if err := batch.IndexAdvanced(doc); err != nil {
			return err
		}
	}
	defer x.gen.Add(1)
	return x.b.Batch(batch)
}

func (x *Index) EndWrite(docs []gazette.SearchDoc) { x.endWrite(docIDs(docs), docs, false) }

func docIDs(docs []gazette.SearchDoc) []string {
	ids := make([]string, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
	}
	return ids
}
