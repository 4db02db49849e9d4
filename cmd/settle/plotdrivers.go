package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/htmlreport"
	"github.com/settle-sim/settle/engine/report"
)

// driverKinds are the charts of what drives an outcome: an output's
// spider or Sobol' indices, a party's value of information.
var driverKinds = []string{"spider", "sobol", "voi"}

// plotDriver draws the driver chart kind of name (an output, or for voi a
// party) from d, labelled label.
func plotDriver(d *report.Document, label, name, kind, stage string) (*chart.Chart, error) {
	x := htmlreport.ExtrasOf(d)
	switch kind {
	case "spider":
		for _, s := range x.Spiders {
			if s.Output == name {
				v := findVar(d, name)
				return chart.Spider("spider: "+name, name, s.Lines, v.Format)
			}
		}
		return nil, fmt.Errorf("%s has no spider for %s; run with --sensitivity=spider", label, name)
	case "sobol":
		for _, s := range x.Sobols {
			if s.Output == name {
				return chart.Sobol("variance of "+name, s.Bars)
			}
		}
		return nil, fmt.Errorf("%s has no Sobol' indices for %s; run with --sensitivity=sobol", label, name)
	}
	var parties, stages []string
	for _, v := range x.VOI {
		if !v.Later {
			parties = append(parties, v.Party)
		}
		if v.Party != name && name != "" {
			continue
		}
		if v.Stage != "" {
			stages = append(stages, v.Stage)
		}
		if stage == "" && v.Later || stage != "" && v.Stage != stage {
			continue
		}
		var bars []chart.VOIBar
		for _, e := range v.Values {
			bars = append(bars, chart.VOIBar{Label: e.Name, Value: e.CE, SE: e.CESE})
		}
		return chart.VOI(v.Title(), v.EVPI.CE, bars, d.Money().Format)
	}
	switch {
	case len(parties) == 0:
		return nil, fmt.Errorf("%s has no value of information; run with --voi", label)
	case stage != "" && len(stages) == 0 && slices.Contains(parties, name):
		return nil, fmt.Errorf("%s: --stage %s: the value of information is of one decision, the scenario has no stages", label, stage)
	case stage != "" && slices.Contains(parties, name):
		return nil, fmt.Errorf("%s has no value of information before stage %q; its opportunities come before %s", label, stage, strings.Join(stages, ", "))
	}
	return nil, fmt.Errorf("%s has no value of information for party %q; its parties are %s (--var names the party)", label, name, strings.Join(parties, ", "))
}
