package gazette

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRelationValidate(t *testing.T) {
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := Relation{Type: Amends, Target: "2019-12-3", Provision: "第十三条", Since: Date{Year: 2020, Month: 1, Day: 1}, By: "editor", At: at}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good relation: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(r *Relation)
		field string
	}{
		{"unknown type", func(r *Relation) { r.Type = "likes" }, "type"},
		{"no target", func(r *Relation) { r.Target = "" }, "target"},
		{"target not a document ID", func(r *Relation) { r.Target = "闽政〔2019〕14号" }, "target"},
		{"provision not a provision", func(r *Relation) { r.Provision = "the whole thing" }, "provision"},
		{"provision not canonical", func(r *Relation) { r.Provision = "第 13 条" }, "provision"},
		{"since out of range", func(r *Relation) { r.Since = Date{Year: 1500, Month: 1, Day: 1} }, "since"},
		{"nobody", func(r *Relation) { r.By = "" }, "by"},
		{"no time", func(r *Relation) { r.At = time.Time{} }, "at"},
		{"note too long", func(r *Relation) { r.Note = strings.Repeat("字", MaxReasonRunes+1) }, "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			tc.edit(&r)
			err := r.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			if !slices.ContainsFunc(ve, func(fe FieldError) bool { return fe.Field == tc.field }) {
				t.Errorf("Validate = %v, want a problem with %s", err, tc.field)
			}
		})
	}
}

func TestHistoryRefusesARelationToItself(t *testing.T) {
	h := History{ID: "2019-12-3", Printed: Status{State: InForce}, Versions: []Version{{Number: 1, SHA256: strings.Repeat("a", 64), Size: 1}}}
	h.Relations = []Relation{{Type: Cites, Target: "2019-12-3", By: "e", At: time.Now()}}
	if err := h.Validate(); err == nil || !strings.Contains(err.Error(), "relations[0].target") {
		t.Errorf("Validate = %v, want relations[0].target refused", err)
	}
}

func TestEffective(t *testing.T) {
	at := time.Now()
	a := Relation{Type: Amends, Target: "2019-1-1", By: "e", At: at}
	a2 := a
	a2.Note = "更正说明"
	b := Relation{Type: Amends, Target: "2019-1-1", Provision: "第三条", By: "e", At: at}
	c := Relation{Type: Cites, Target: "2019-1-2", By: "e", At: at}
	gone := a
	gone.Withdrawn = true
	for _, tc := range []struct {
		name string
		in   []Relation
		want []Relation
	}{
		{"none", nil, nil},
		{"each once", []Relation{a, b, c}, []Relation{a, b, c}},
		{"the latest record wins, in first place", []Relation{a, c, a2}, []Relation{a2, c}},
		{"withdrawn", []Relation{a, c, gone}, []Relation{c}},
		{"withdrawn, then again", []Relation{a, gone, a2}, []Relation{a2}},
		{"withdrawing what was never there", []Relation{gone, c}, []Relation{c}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Effective(tc.in)
			if !slices.EqualFunc(got, tc.want, func(x, y Relation) bool { return x.Same(&y) && x.Note == y.Note && x.Withdrawn == y.Withdrawn }) {
				t.Errorf("Effective = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseRelationType(t *testing.T) {
	for _, rt := range RelationTypes {
		for _, s := range []string{string(rt), rt.Label()} {
			if got, err := ParseRelationType(s); err != nil || got != rt {
				t.Errorf("ParseRelationType(%q) = %q, %v", s, got, err)
			}
		}
		if rt.InverseLabel() == "" {
			t.Errorf("%s has no inverse label", rt)
		}
	}
	if _, err := ParseRelationType("喜欢"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseRelationType(喜欢) = %v, want ErrInvalid", err)
	}
	if !Amends.Changes() || Cites.Changes() || BasedOn.Changes() || Cites.Acyclic() || !BasedOn.Acyclic() {
		t.Error("Changes or Acyclic wrong")
	}
}

func TestProvision(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"第十三条的规定", "第十三条"},
		{"第13条第二款", "第13条第二款"},
		{"第１３条", "第13条"},
		{"第五条第一款第（三）项规定", "第五条第一款第（三）项"},
		{"第二章", "第二章"},
		{"等法律", ""},
	} {
		if got, _ := Provision(tc.in); got != tc.want {
			t.Errorf("Provision(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWithdrawnRelations(t *testing.T) {
	at := time.Now()
	a := Relation{Type: Cites, Target: "2019-1-1", By: "e", At: at}
	gone := a
	gone.Withdrawn = true
	for _, tc := range []struct {
		name string
		in   []Relation
		want int
	}{
		{"never", []Relation{a}, 0},
		{"withdrawn", []Relation{a, gone}, 1},
		{"withdrawn without a record before (a relation read from the text)", []Relation{gone}, 1},
		{"withdrawn, then recorded again", []Relation{gone, a}, 0},
	} {
		if got := WithdrawnRelations(tc.in); len(got) != tc.want {
			t.Errorf("%s: WithdrawnRelations = %v, want %d", tc.name, got, tc.want)
		}
	}
}
