package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/internal/fifo"
)

// empirical() reads inside the project root only, regular files only,
// within the data limit, and never quotes a file that is not CSV data.
func TestConfinedEmpirical(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "settle.yaml"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "pw"), []byte("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "env.csv"), []byte("AWS_SECRET_ACCESS_KEY=AKIAabc\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "big.csv"), []byte("a\n"+strings.Repeat("1\n", 600)), 0o644)
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("award\n1\n2\n"), 0o644)
	if err := fifo.Make(filepath.Join(dir, "fifo.csv")); err != nil {
		t.Skip(err)
	}
	tests := []struct{ expr, want string }{
		{`empirical("../../../../../../etc/passwd", "a")`, `s.yaml:2:16: input x: empirical: ../../../../../../etc/passwd leads outside the project root`},
		{`empirical("/etc/passwd", "a")`, `s.yaml:2:16: input x: empirical: /etc/passwd is an absolute path`},
		{`empirical("fifo.csv", "a")`, `fifo.csv is a named pipe (FIFO), not a regular file`},
		{`empirical(".", "a")`, `is a directory, not a regular file`},
		{`empirical("pw", "a")`, `s.yaml:2:22: input x: empirical: pw: no column "a"; the first row of the file is not a heading row`},
		{`empirical("env.csv", "AWS")`, `no column "AWS"; the first row of the file is not a heading row`},
		{`empirical("big.csv", "a")`, `big.csv is 1.2 KiB, more than the 1 KiB limit for data files`},
		{`empirical("d.csv", "x")`, `no column "x"; the columns are award`},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "s.yaml")
		os.WriteFile(path, []byte("inputs:\n  x: "+tt.expr+"\noutputs: [x]\n"), 0o644)
		sc, err := scenario.LoadWith(path, project.Options{MaxFileSize: 1024})
		if err != nil {
			t.Fatal(err)
		}
		_, err = model.Compile(sc)
		if err == nil {
			t.Errorf("%s: no error", tt.expr)
			continue
		}
		msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s:\n%s\nwant it to contain\n%s", tt.expr, msg, tt.want)
		}
		for _, secret := range []string{"root:", "daemon", "AKIA", "SECRET"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: the message quotes the file: %s", tt.expr, msg)
			}
		}
	}
	// The file read is among the project's files, so that an output can
	// be checked against it.
	path := filepath.Join(dir, "s.yaml")
	os.WriteFile(path, []byte("inputs:\n  x: empirical(\"d.csv\", \"award\")\noutputs: [x]\n"), 0o644)
	sc, _ := scenario.Load(path)
	if _, err := model.Compile(sc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range sc.Project.Files() {
		names = append(names, filepath.Base(f.Path))
	}
	if got := strings.Join(names, " "); got != "s.yaml d.csv" {
		t.Errorf("files read: %s", got)
	}
}
