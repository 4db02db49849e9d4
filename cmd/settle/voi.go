package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/settle-sim/settle/engine"
)

// addVOIFlags adds the value-of-information flags to run.
func addVOIFlags(f *pflag.FlagSet) {
	f.Bool("voi", false, "value information: EVPI and EVPPI of each party's decision to settle (at --offer, else the settlement range's midpoint) or go to court (with stages, to settle at each opportunity or go on), for each input (docs/voi.md)")
	f.StringArray("voi-group", nil, "also value learning inputs together: `NAME=INPUT,INPUT,…`, e.g. quantum=claim,quantum_fraction (at most 4; implies --voi); repeatable")
}

// voiOptions reads the value-of-information flags into opt, which holds
// what the scenario asks for: --voi=false turns a scenario's voi off,
// --voi or --voi-group on, the groups added to the scenario's.
func voiOptions(cmd *cobra.Command, v *settings, opt *engine.Options) error {
	groups, _ := cmd.Flags().GetStringArray("voi-group")
	voi, err := v.Bool("voi")
	if err != nil {
		return err
	}
	if v.IsSet("voi") && !voi {
		if len(groups) > 0 {
			return fmt.Errorf("--voi-group with --voi=false: drop one of them")
		}
		opt.VOI = nil
		return nil
	}
	if !voi && len(groups) == 0 {
		return nil
	}
	o := opt.VOI
	if o == nil {
		o = &engine.VOIOptions{}
	}
	for _, s := range groups {
		g, err := engine.ParseVOIGroup(s)
		if err != nil {
			return err
		}
		o.Groups = append(o.Groups, g)
	}
	opt.VOI = o
	return nil
}
