package model_test

import (
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/sampling"
)

const redrawScenario = `name: redraw
inputs:
  a: normal(0, 1)
  p: beta(2, 3)
  b: bernoulli(p)
  c: clamp(normal(0.3, 0.1), 0, 1) + uniform(0, 1)
  d: a * 2
rules:
  y: "a + (b ? 1 : 0) + c"
outputs: [y]
`

func factorNames(fs []model.Factor) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

// Redrawing a factor gives its inputs trial t+shift's values and leaves
// every other input at trial t's; derived values follow.
func TestRedraw(t *testing.T) {
	p := compile(t, redrawScenario)
	fs := p.Factors()
	if got := factorNames(fs); got != "a,p,b,c" {
		t.Fatalf("factors %s, want a,p,b,c (d draws nothing of its own)", got)
	}
	const n, shift = 200, 1000
	names := []string{"a", "p", "b", "c", "d"}
	base := sample(t, p, 7, n+shift, names...)
	for _, f := range fs {
		q, err := p.Redraw(f, shift)
		if err != nil {
			t.Fatal(err)
		}
		got := sample(t, q, 7, n, names...)
		for i, name := range names {
			redrawn := name == f.Name || name == "d" && f.Name == "a"
			for trial := range n {
				want := base[i][trial]
				if redrawn {
					want = base[i][trial+shift]
				}
				// b draws from its own stream with p's value: redrawing
				// p alone keeps b's uniform but not always its value,
				// and redrawing b takes trial t+shift's uniform with
				// trial t's p.
				if name == "b" && (f.Name == "p" || f.Name == "b") {
					continue
				}
				if got[i][trial] != want {
					t.Fatalf("redraw %s: %s in trial %d is %v, want %v", f.Name, name, trial, got[i][trial], want)
				}
			}
		}
	}
}

// Correlated inputs are one factor, redrawn together through the copula.
func TestRedrawCorrelated(t *testing.T) {
	p := compile(t, redrawScenario+`correlations:
  - [a, p, 0.7]
`)
	fs := p.Factors()
	if got := factorNames(fs); got != "a+p,b,c" {
		t.Fatalf("factors %s, want a+p,b,c", got)
	}
	const n, shift = 100, 500
	base := sample(t, p, 3, n+shift, "a", "p", "c")
	q, err := p.Redraw(fs[0], shift)
	if err != nil {
		t.Fatal(err)
	}
	got := sample(t, q, 3, n, "a", "p", "c")
	for trial := range n {
		if got[0][trial] != base[0][trial+shift] || got[1][trial] != base[1][trial+shift] || got[2][trial] != base[2][trial] {
			t.Fatalf("trial %d: a, p, c = %v, %v, %v; want %v, %v, %v", trial,
				got[0][trial], got[1][trial], got[2][trial], base[0][trial+shift], base[1][trial+shift], base[2][trial])
		}
	}
	if _, err := p.Redraw(model.Factor{Name: "a", Inputs: fs[0].Inputs[:1]}, shift); err == nil {
		t.Error("redrawing one of two correlated inputs: no error")
	}
}

func TestRedrawRefusesDesigns(t *testing.T) {
	p := compile(t, redrawScenario)
	q, err := p.WithSampler(sampling.LHS, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Redraw(q.Factors()[0], 100); err == nil {
		t.Error("redraw under a Latin hypercube: no error")
	}
	r := q.Pseudorandom()
	if _, err := r.Redraw(r.Factors()[0], 100); err != nil {
		t.Errorf("redraw after Pseudorandom: %v", err)
	}
	d, _ := p.Lookup("d")
	if _, err := p.Redraw(model.Factor{Name: "d", Inputs: []*model.Var{d}}, 1); err == nil {
		t.Error("redrawing an input without draws: no error")
	}
}

// A redrawn trial allocates nothing, as any trial: the correlated
// factor's copula refill included.
func TestRedrawNoAlloc(t *testing.T) {
	for _, src := range []string{redrawScenario, redrawScenario + "correlations:\n  - [a, p, 0.7]\n"} {
		p := compile(t, src)
		q, err := p.Redraw(p.Factors()[0], 1000)
		if err != nil {
			t.Fatal(err)
		}
		s := q.NewState()
		trial := 0
		allocs := testing.AllocsPerRun(1000, func() {
			if err := q.Eval(s, 5, trial); err != nil {
				t.Fatal(err)
			}
			trial++
		})
		if allocs != 0 {
			t.Errorf("a redrawn trial allocates %v times", allocs)
		}
	}
}
