package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/settle-sim/settle/engine"
)

// addVOIFlags adds the value-of-information flags to run.
func addVOIFlags(f *pflag.FlagSet) {
	f.Bool("voi", false, "value information: EVPI and EVPPI of each party's decision to settle (at --offer, else the settlement range's midpoint) or go to court, for each input (docs/voi.md)")
	f.StringArray("voi-group", nil, "also value learning inputs together: `NAME=INPUT,INPUT,…`, e.g. quantum=claim,quantum_fraction (at most 4; implies --voi); repeatable")
}

// voiOptions reads the value-of-information flags: nil when not asked.
func voiOptions(cmd *cobra.Command, v *viper.Viper) (*engine.VOIOptions, error) {
	groups, _ := cmd.Flags().GetStringArray("voi-group")
	if !v.GetBool("voi") && len(groups) == 0 {
		return nil, nil
	}
	o := &engine.VOIOptions{}
	for _, s := range groups {
		g, err := engine.ParseVOIGroup(s)
		if err != nil {
			return nil, err
		}
		o.Groups = append(o.Groups, g)
	}
	return o, nil
}
