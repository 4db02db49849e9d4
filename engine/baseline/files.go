package baseline

import (
	"path/filepath"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/outfile"
)

// Files lists every file a test of opt.Dir reads, or with Update writes:
// each scenario and the files it refers to, its baseline and the policy,
// so that an output can be refused before the test if it is one of them.
// A scenario that does not load is listed alone.
func Files(opt Options) ([]outfile.Input, error) {
	scenarios, err := Discover(opt.Dir)
	if err != nil {
		return nil, err
	}
	ins := []outfile.Input{{Role: "the policy", Path: filepath.Join(opt.Dir, DirName, PolicyName)}}
	for _, path := range scenarios {
		ins = append(ins, outfile.Input{Role: "a scenario under test", Path: path},
			outfile.Input{Role: "a baseline", Path: BaselinePath(opt.Dir, path)})
		p, err := engine.Spec{Path: path, Project: opt.Project}.Load()
		if err != nil {
			continue
		}
		for _, f := range p.Scenario.Project.Files() {
			ins = append(ins, outfile.Input{Role: "a file a scenario under test refers to", Path: f.Path, Info: f.Info})
		}
	}
	return ins, nil
}
