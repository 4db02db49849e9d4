package report

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/settle-sim/settle/internal/fuzzguard"
)

// FuzzRead: no file makes the result-document reader, or the renderings
// of what it accepts, panic or hang; a document it accepts is written
// back as one it accepts again.
//
//	go test ./engine/report -run '^$' -fuzz FuzzRead -fuzztime 30s
func FuzzRead(f *testing.F) {
	for _, path := range []string{"testdata/reference.json", "../testdata/one-step.golden.json", "../htmlreport/testdata/decision.json"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"settle_version": "0.2.0", "trials": -5, "outputs": {"x": {"sd": -1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<18 {
			return
		}
		defer fuzzguard.Start(data)()
		d, err := Read(bytes.NewReader(data), "r.json")
		if err != nil {
			return
		}
		for _, format := range Formats {
			if err := Write(io.Discard, d, format); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
		writeParties(io.Discard, d, true)
		writeSensitivity(io.Discard, d, true)
		var b bytes.Buffer
		if err := WriteJSON(&b, d); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(&b, "again.json"); err != nil {
			t.Fatalf("a document read and written again is refused: %v", err)
		}
	})
}
