package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/scenario"
)

// sensitivityKinds are the analyses --sensitivity may name.
var sensitivityKinds = []string{"tornado", "spider", "sobol", "all"}

// addSensitivityFlags adds --sensitivity, whose value is true or false
// as it always was, or a list of analyses, and --sobol-trials.
func addSensitivityFlags(f *pflag.FlagSet, deflt string) {
	f.String("sensitivity", deflt, "what drives each output: `LIST` of tornado (rank correlations and a tornado; true means it), spider (each input at p10…p90), sobol (Sobol' indices), all, or false")
	f.Lookup("sensitivity").NoOptDefVal = "true"
	f.String("sobol-trials", "", "base trials of the Saltelli design for --sensitivity=sobol, e.g. 20k; (inputs + 2) times as many are run (default: the run's trials, at most 50k)")
}

// sensitivityOptions reads --sensitivity and --sobol-trials into opt.
func sensitivityOptions(v *viper.Viper, opt *engine.Options) error {
	s := strings.TrimSpace(v.GetString("sensitivity"))
	opt.Sensitivity, opt.Spider, opt.SobolTrials = false, false, 0
	sobol := false
	if b, err := strconv.ParseBool(s); err == nil {
		opt.Sensitivity = b
	} else {
		for k := range strings.SplitSeq(s, ",") {
			switch k = strings.ToLower(strings.TrimSpace(k)); k {
			case "tornado":
				opt.Sensitivity = true
			case "spider":
				opt.Spider = true
			case "sobol":
				sobol = true
			case "all":
				opt.Sensitivity, opt.Spider, sobol = true, true, true
			default:
				return fmt.Errorf("--sensitivity %q: unknown analysis %q; %s, or true or false", s, k, diag.OneOf(k, sensitivityKinds, "analyses"))
			}
		}
	}
	if t := v.GetString("sobol-trials"); t != "" {
		n, err := scenario.ParseCount(t)
		if err != nil || n < 2 || n > maxTrials {
			return fmt.Errorf("--sobol-trials %q: want a whole number of trials, at least 2, such as 20000 or 20k", t)
		}
		opt.SobolTrials = int(n)
	} else if sobol {
		opt.SobolTrials = min(opt.Trials, engine.DefaultSobolTrials)
	}
	if opt.SobolTrials > 0 && !sobol && !strings.Contains(strings.ToLower(s), "sobol") {
		return fmt.Errorf("--sobol-trials %s: add --sensitivity=sobol (or all) to estimate Sobol' indices", money.FormatNumber(float64(opt.SobolTrials)))
	}
	return nil
}
