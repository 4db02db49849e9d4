package scenario

import (
	"fmt"
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
)

// Party is one side of the dispute as a scenario names it: the outputs
// that are its net outcome (larger is better for it) overall, at
// judgment and on settlement, and its attitude to risk.
type Party struct {
	Name    string
	Net     Ref // its net outcome however the dispute ends
	Court   Ref // its net outcome if the case goes to judgment
	Settled Ref // its net outcome if it settles at the settlement figure
	// RiskTolerance is R of the exponential utility −exp(−x/R), in
	// pounds; 0 means risk-neutral.
	RiskTolerance float64
	// View are the position files that make the party's own beliefs,
	// relative to the working directory, applied after the scenario's
	// own positions; empty when it holds the scenario's.
	View    []string
	ViewPos diag.Pos
	Pos     diag.Pos
}

// Ref is a name a scenario refers to, with where it does so.
type Ref struct {
	Name string
	Pos  diag.Pos
}

// Settlement names the input that is the settlement figure: what the
// paying party pays the other to settle.
type Settlement struct {
	Figure Ref
	// Lo and Hi bound the search for reservation values when they are
	// not found in closed form; Hi 0 means twice the largest court
	// outcome in magnitude.
	Lo, Hi float64
	// PayeeShare is where in the settlement range the parties of a
	// scenario with stages agree: 0 at the payee's reservation value
	// (the payer's best), 1 at the payer's (the payee's best);
	// DefaultPayeeShare unless HasShare.
	PayeeShare float64
	HasShare   bool
	SharePos   diag.Pos
	// Offer, when HasOffer, is a fixed settlement figure that stands at
	// every opportunity to settle of a scenario with stages.
	Offer    float64
	HasOffer bool
	OfferPos diag.Pos
	Pos      diag.Pos
}

// DefaultPayeeShare splits the settlement range in the middle.
const DefaultPayeeShare = 0.5

var partyKeys = []string{"net", "court", "settled", "risk_tolerance", "view", "doc"}

// parties reads
//
//	parties:
//	  supplier: {net: supplier_net, court: supplier_net_court, settled: supplier_net_settled, risk_tolerance: £150m}
//
// A party listed again (in a scenario that extends another) replaces the
// earlier one.
func (l *loader) parties(path string, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		l.diags.Errorf(pos(path, v), "write parties: with one entry a party, e.g. supplier: {net: supplier_net, court: supplier_net_court, settled: supplier_net_settled}", "parties must be a mapping of party names")
		return
	}
	for i := 0; i < len(v.Content); i += 2 {
		k, pv := v.Content[i], v.Content[i+1]
		p := Party{Name: k.Value, Pos: pos(path, k)}
		if pv.Kind != yaml.MappingNode {
			l.diags.Errorf(pos(path, pv), "give net, court and settled, and optionally risk_tolerance", "party %s must be a mapping", p.Name)
			continue
		}
		ok := true
		for j := 0; j < len(pv.Content); j += 2 {
			fk, fv := pv.Content[j], pv.Content[j+1]
			switch fk.Value {
			case "net":
				p.Net = l.ref(path, fv)
			case "court":
				p.Court = l.ref(path, fv)
			case "settled":
				p.Settled = l.ref(path, fv)
			case "risk_tolerance":
				r, good := l.riskTolerance(path, fv)
				p.RiskTolerance, ok = r, ok && good
			case "view":
				// A bad view is reported; the party stays, so that what
				// refers to it is not reported too.
				p.View, _ = l.viewFiles(path, fv)
				p.ViewPos = pos(path, fv)
			case "doc":
			default:
				l.diags.Errorf(pos(path, fk), diag.OneOf(fk.Value, partyKeys, "keys"), "unknown key %q in party %s", fk.Value, p.Name)
				ok = false
			}
		}
		for _, f := range []struct {
			key, what string
			ref       Ref
		}{
			// net may be left out of a scenario with stages, where the
			// engine computes it: checkParties decides once every file
			// is read.
			{"court", "if the case goes to judgment", p.Court},
			{"settled", "if it settles at the settlement figure", p.Settled},
		} {
			if f.ref.Name == "" {
				l.diags.Errorf(p.Pos, fmt.Sprintf("write %s: NAME, the var that is the party's net outcome %s, larger being better for it", f.key, f.what),
					"party %s has no %s", p.Name, f.key)
				ok = false
			}
		}
		if !ok {
			continue
		}
		if i := l.partyIndex(p.Name); i >= 0 {
			l.root.Parties[i] = p
		} else {
			l.root.Parties = append(l.root.Parties, p)
		}
	}
}

// checkParties gives each party of a scenario with stages without a net
// the name <party>_net, which the engine computes, and reports a party
// without one in a scenario without stages.
func (l *loader) checkParties() {
	for i := range l.root.Parties {
		p := &l.root.Parties[i]
		if p.Net.Name != "" {
			continue
		}
		if l.root.IsProcess() || l.sawStages {
			p.Net = Ref{Name: p.Name + "_net", Pos: p.Pos}
			continue
		}
		l.diags.Errorf(p.Pos, "write net: NAME, the var that is the party's net outcome however the dispute ends, larger being better for it",
			"party %s has no net", p.Name)
	}
}

// viewFiles reads a party's view: one position file or a list of them,
// relative to the file that names them and inside the project root,
// where they are read now so that a bad reference is reported here.
func (l *loader) viewFiles(path string, v *yaml.Node) ([]string, bool) {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var files []string
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Value == "" {
			l.diags.Errorf(pos(path, it), "write view: ../rules/positions/supplier.yaml, or a list of position files", "a view must be a position file's path")
			return nil, false
		}
		f := l.read(filepath.Dir(path), it.Value, pos(path, it), overlay)
		if f == nil {
			return nil, false
		}
		files = append(files, f.Path)
	}
	return files, len(files) > 0
}

func (l *loader) partyIndex(name string) int {
	for i, p := range l.root.Parties {
		if p.Name == name {
			return i
		}
	}
	return -1
}

func (l *loader) ref(path string, v *yaml.Node) Ref {
	if v.Kind != yaml.ScalarNode || !nameRE.MatchString(v.Value) {
		l.diags.Errorf(pos(path, v), "write the name of an input or rule", "expected a name")
		return Ref{}
	}
	return Ref{Name: v.Value, Pos: pos(path, v)}
}

// riskTolerance reads an amount of money, or "neutral".
func (l *loader) riskTolerance(path string, v *yaml.Node) (float64, bool) {
	if v.Kind == yaml.ScalarNode && (v.Value == "neutral" || v.Value == "0") {
		return 0, true
	}
	if v.Kind == yaml.ScalarNode {
		if lit, err := money.Parse(v.Value); err == nil && lit.Value.Sign() > 0 {
			return lit.Float(), true
		}
	}
	l.diags.Errorf(pos(path, v), "write an amount such as £200m (the exponential utility's risk tolerance), or neutral", "risk_tolerance %q is not a positive amount", v.Value)
	return 0, false
}

var settlementKeys = []string{"figure", "search", "payee_share", "offer"}

// settlement reads
//
//	settlement:
//	  figure: settlement_figure
//	  search: [£0, £1.1bn]
func (l *loader) settlement(path string, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		l.diags.Errorf(pos(path, v), "write settlement: {figure: NAME}", "settlement must be a mapping")
		return
	}
	st := &Settlement{Pos: pos(path, v), PayeeShare: DefaultPayeeShare}
	ok := true
	for j := 0; j < len(v.Content); j += 2 {
		fk, fv := v.Content[j], v.Content[j+1]
		switch fk.Value {
		case "figure":
			st.Figure = l.ref(path, fv)
		case "search":
			lo, hi, good := l.interval(path, fv)
			st.Lo, st.Hi, ok = lo, hi, ok && good
		case "payee_share":
			f, err := strconv.ParseFloat(fv.Value, 64)
			if fv.Kind != yaml.ScalarNode || err != nil {
				l.diags.Errorf(pos(path, fv), "write a share between 0 (the payer's best) and 1 (the payee's best), e.g. payee_share: 0.5", "payee_share %q is not a number", fv.Value)
				ok = false
				continue
			}
			st.PayeeShare, st.HasShare, st.SharePos = f, true, pos(path, fv)
		case "offer":
			lit, err := money.Parse(fv.Value)
			if fv.Kind != yaml.ScalarNode || err != nil {
				l.diags.Errorf(pos(path, fv), "write an amount such as £150m", "offer %q is not an amount", fv.Value)
				ok = false
				continue
			}
			st.Offer, st.HasOffer, st.OfferPos = lit.Float(), true, pos(path, fv)
		default:
			l.diags.Errorf(pos(path, fk), diag.OneOf(fk.Value, settlementKeys, "keys"), "unknown key %q in settlement", fk.Value)
			ok = false
		}
	}
	if st.Figure.Name == "" {
		l.diags.Errorf(st.Pos, "name the input that holds the settlement figure", "settlement has no figure")
		ok = false
	}
	if ok {
		l.root.Settlement = st
	}
}

func (l *loader) interval(path string, v *yaml.Node) (lo, hi float64, ok bool) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 2 {
		a, err1 := money.Parse(v.Content[0].Value)
		b, err2 := money.Parse(v.Content[1].Value)
		if err1 == nil && err2 == nil && a.Value.LessThan(b.Value) {
			return a.Float(), b.Float(), true
		}
	}
	l.diags.Errorf(pos(path, v), "write search: [£0, £1bn] with the lower amount first", "search must be two amounts, low then high")
	return 0, 0, false
}
