// Package model compiles a scenario's inputs and rules into a Program:
// expressions are parsed and type-checked by expr, ordered by their
// dependencies, and compiled to closures over numbered slots, so that one
// trial is evaluated without maps, interfaces or allocation.
package model

import (
	"fmt"
	"math"
	"slices"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/rng"
	"github.com/settle-sim/settle/engine/scenario"
)

// Type is the type of a value: a number or true/false.
type Type uint8

const (
	// Number is a float64.
	Number Type = iota
	// Bool is true or false, stored as 1 or 0.
	Bool
)

func (t Type) String() string {
	if t == Bool {
		return "bool"
	}
	return "number"
}

// Money is the unit of amounts of money in a scenario that declares no
// currency; a scenario's amounts have its currency's code as their unit
// (IsMoney).
const Money = "GBP"

// IsMoney reports whether unit is that of amounts of money: a currency
// code such as GBP or USD.
func IsMoney(unit string) bool { return money.IsCurrency(unit) }

// Var is a compiled input or rule.
type Var struct {
	Name string
	Kind scenario.Kind
	Type Type
	Unit string // declared, or inferred (the currency's code, "GBP", for amounts of money)
	Doc  string
	Pos  diag.Pos

	// Random is true when the value varies from trial to trial: the
	// expression draws from a distribution or depends on one that does.
	Random bool
	// Const is the value when Random is false.
	Const float64
	// Slot is where the value is kept in a State.
	Slot int
	// Deps are the names the expression refers to.
	Deps []string
	// Support holds the values a var can take when its declared
	// distribution has a few of them: {0, 1} for true/false, the values
	// of a discrete() with constant values. Nil otherwise.
	Support []float64
	// Path, in a scenario with stages, says on which way of ending the
	// var's value means something: on the settled path (it uses the
	// settlement figure) or at judgment (it uses a party's court
	// outcome). Its summary is over the trials that ended that way.
	Path Path
}

// Path is the way a dispute ends on which a var's value means something.
type Path uint8

const (
	// AnyPath: the var means something in every trial.
	AnyPath Path = iota
	// SettledPath: only where the dispute settled.
	SettledPath
	// JudgmentPath: only where it ended in judgment.
	JudgmentPath
)

// EndedOn is the path of a trial whose settlement stage (the value of
// Process.StageNo) is stage: settled above 0, judgment at 0.
func EndedOn(stage float64) Path {
	if stage > 0 {
		return SettledPath
	}
	return JudgmentPath
}

// Holds reports whether a var on path p has its meaning in a trial that
// ended on path on (AnyPath where that is not known).
func (p Path) Holds(on Path) bool { return p == AnyPath || on == AnyPath || p == on }

func (p Path) String() string {
	switch p {
	case SettledPath:
		return "settled"
	case JudgmentPath:
		return "judgment"
	}
	return ""
}

// Party is one side of the dispute with the vars that are its net
// outcome overall, at judgment and on settlement.
type Party struct {
	Name                string
	Net, Court, Settled *Var
	RiskTolerance       float64 // 0 means risk-neutral
}

// Program is a compiled scenario, ready to evaluate trials.
type Program struct {
	Scenario *scenario.Scenario
	// Vars are every input and rule, in evaluation order.
	Vars []*Var
	// Outputs are the scenario's outputs, in the order listed.
	Outputs []*Var
	// Sampled are the inputs that vary from trial to trial, in
	// evaluation order.
	Sampled []*Var
	// Parties are the sides of the dispute, and Figure the input that is
	// the settlement figure; nil when the scenario names none.
	Parties []Party
	Figure  *Var
	// Notes are what compiling found worth saying that is not wrong,
	// such as the repair of a correlation matrix.
	Notes diag.List
	// Statistics are the scenario's statistics, in the order declared.
	Statistics []*Statistic

	init  []float64 // slot values before a trial: the constants
	steps []step    // the random vars, in evaluation order
	plan  plan      // how the draws' uniforms are chosen (sampling.go)
	// noDraws is set on a followed program none of whose steps draw:
	// its trials need no random stream (Follow).
	noDraws bool

	// proc, in a scenario with stages, is its process (process.go), and
	// policy the parties' decisions fitted to it; the steps above are
	// then those evaluated once a trial before the process runs.
	proc   *process
	policy *Policy
	views  []*Program
}

type step struct {
	slot int
	eval evalFn
	// draws is set when eval itself draws (the expression has a draw
	// site), not only reads a var that does.
	draws bool
	// vec is eval's column form (EvalBlock), nil where there is none.
	vec vecFn
}

// evalFn computes a value for the trial in s. Bools are 1 or 0.
type evalFn func(s *State) float64

// State is one worker's evaluation state: the slots holding each var's
// value for the current trial and the trial's random stream.
type State struct {
	Slots []float64
	Src   rng.Stream
	trial int // the trial being evaluated
	err   *EvalError
	qs    quantiles // the plan's uniforms for the trial
	proc  *procState
	from  []float64 // the slots a follower reads its frontier from (follow.go)
	base  *State    // the state it follows, whose decisions it may take
}

// EvalError is a failure while evaluating a trial, such as a
// distribution whose parameters, computed from other inputs, are invalid.
type EvalError struct {
	Trial int
	Name  string
	Pos   diag.Pos
	Msg   string
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("%s: trial %d: %s: %s", e.Pos, e.Trial, e.Name, e.Msg)
}

// NewState returns a State for p with the constants in place.
func (p *Program) NewState() *State {
	s := &State{Slots: make([]float64, len(p.init))}
	copy(s.Slots, p.init)
	p.plan.newState(s)
	if p.proc != nil {
		s.proc = p.proc.newState()
	}
	return s
}

// Eval evaluates one trial: it resets s's random stream for (seed,
// trial) and computes every random var. It returns an error, naming
// the trial, when a computation fails.
func (p *Program) Eval(s *State, seed uint64, trial int) error {
	s.trial = trial
	if !p.noDraws {
		s.Src.Reset(seed, uint64(trial))
	}
	if s.qs.q != nil {
		p.plan.fill(s, seed, uint64(trial))
	}
	slots := s.Slots // the closures read it, never replace it
	for _, st := range p.steps {
		slots[st.slot] = st.eval(s)
	}
	if p.proc != nil && s.err == nil {
		p.proc.run(p, s)
	}
	if s.err != nil {
		err := s.err
		s.err = nil
		err.Trial = trial
		return err
	}
	return nil
}

// Lookup returns the var called name.
func (p *Program) Lookup(name string) (*Var, bool) {
	for _, v := range p.Vars {
		if v.Name == name {
			return v, true
		}
	}
	return nil, false
}

// fail records the first failure of a trial and returns NaN.
func (s *State) fail(name string, pos diag.Pos, err error) float64 {
	if s.err == nil {
		s.err = &EvalError{Name: name, Pos: pos, Msg: err.Error()}
	}
	return math.NaN()
}

// Pin returns a copy of p in which the random input name takes value in
// every trial. Every other draw is unchanged, trial by trial, because
// each draw site has its own stream.
func (p *Program) Pin(name string, value float64) (*Program, error) {
	v, ok := p.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("no input named %q", name)
	}
	if !v.Random {
		return nil, fmt.Errorf("%s does not vary from trial to trial", name)
	}
	q := *p
	q.steps = slices.Clone(p.steps)
	for i := range q.steps {
		if q.steps[i].slot == v.Slot {
			q.steps[i].eval, q.steps[i].draws = func(*State) float64 { return value }, false
			q.steps[i].vec = constVec(value)
		}
	}
	return &q, nil
}

// DependsOn reports whether v's value depends on the var called name,
// directly or through others.
func (p *Program) DependsOn(v *Var, name string) bool {
	seen := map[string]bool{}
	var visit func(n string) bool
	visit = func(n string) bool {
		if n == name {
			return true
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		d, ok := p.Lookup(n)
		if !ok {
			return false
		}
		for _, dep := range d.Deps {
			if visit(dep) {
				return true
			}
		}
		return false
	}
	return visit(v.Name)
}
