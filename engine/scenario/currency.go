package scenario

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
)

// currencyUse is a currency declaration or an amount, to be checked
// against the scenario's currency once every file is loaded.
type currencyUse struct {
	pos      diag.Pos
	declared string        // a rule file's currency: key
	lit      money.Literal // or an amount it wrote
	text     string
	what     string // what the amount is, for the message
}

// currency reads `currency: USD`. A scenario's declaration, or else that
// of the scenario it extends, is the currency of all its amounts; a rule
// file may declare the currency its amounts are in, which must then be
// the scenario's.
func (l *loader) currency(path string, v *yaml.Node, r role) {
	if v.Kind != yaml.ScalarNode {
		l.diags.Errorf(pos(path, v), "write currency: GBP, or another ISO 4217 code", "currency must be a currency code")
		return
	}
	c, ok := money.LookupCurrency(v.Value)
	if !ok {
		l.diags.Errorf(pos(path, v), diag.OneOf(strings.ToUpper(v.Value), money.Codes(), "currencies"),
			"currency %q is not one settle knows", v.Value)
		return
	}
	switch r {
	case root, base:
		l.root.Currency = c
	case included:
		l.currencyUses = append(l.currencyUses, currencyUse{pos: pos(path, v), declared: c.Code})
	}
}

// amount parses an amount of money; its currency is checked once the
// scenario's is known.
func (l *loader) amount(path string, v *yaml.Node, what string) (money.Literal, bool) {
	if v.Kind != yaml.ScalarNode {
		return money.Literal{}, false
	}
	lit, err := money.Parse(v.Value)
	if err != nil {
		return lit, false
	}
	if lit.Sign != "" {
		l.currencyUses = append(l.currencyUses, currencyUse{pos: pos(path, v), lit: lit, text: v.Value, what: what})
	}
	return lit, true
}

// checkCurrency checks every rule file's declared currency and every
// amount written with a currency sign against the scenario's currency.
func (l *loader) checkCurrency() {
	c := l.root.Currency
	for _, u := range l.currencyUses {
		if u.declared != "" {
			if u.declared != c.Code {
				l.diags.Errorf(u.pos, "write the rule file's amounts in "+c.Code+", or declare currency: "+u.declared+" in the scenario",
					"the rule file's currency is %s, but the scenario's is %s", u.declared, c.Code)
			}
			continue
		}
		if err := c.Check(u.lit, u.text); err != nil {
			l.diags.Errorf(u.pos, "", "%s: %v", u.what, err)
		}
	}
}
