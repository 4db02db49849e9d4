package htmlreport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
)

// browser finds a headless-capable Chromium: $SETTLE_CHROMIUM, else
// chromium, chromium-browser or google-chrome on the PATH. Where there
// is none the test is skipped, unless CI=1 or SETTLE_REQUIRE_BROWSER=1
// says it must run.
func browser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SETTLE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (install Debian's chromium package, or set SETTLE_CHROMIUM to a browser's path)"
	if os.Getenv("CI") == "1" || os.Getenv("CI") == "true" || os.Getenv("SETTLE_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + "; CI or SETTLE_REQUIRE_BROWSER requires the browser test to run")
	}
	t.Skip(msg + "; skipping the browser test")
	return ""
}

// chromium runs the browser headless on a local file with no network,
// as the page must need none.
//
// Headless Chromium now and then dies of a segmentation fault on a
// loaded machine (twice in a session of full test runs on two busy
// cores, never on its own); a browser killed by a signal, not by the
// timeout, is run again, up to twice, and says so.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	for attempt := 1; ; attempt++ {
		out, crashed, err := runChromium(t, bin, args...)
		if err == nil {
			return out
		}
		if !crashed || attempt == 3 {
			t.Fatalf("%s: %v", bin, err)
		}
		t.Logf("%s crashed (%v); running it again", bin, firstLine(err.Error()))
	}
}

// runChromium runs the browser once; crashed reports whether a signal
// other than the timeout's ended it.
func runChromium(t *testing.T, bin string, args ...string) (out []byte, crashed bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
		// Refuse every connection: the page is self-contained.
		"--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		crashed := errors.As(err, &ee) && ee.ExitCode() == -1 && ctx.Err() == nil
		return nil, crashed, fmt.Errorf("%w\n%s", err, stderr.String())
	}
	return stdout.Bytes(), false, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// measure is added to a copy of the page for the test only: it records
// each chart's box and the page's height as attributes, which
// --dump-dom shows. It changes nothing that is drawn.
const measure = `<script>
for (const f of document.querySelectorAll("figure.chart")) {
  const s = f.querySelector("svg"), r = s.getBoundingClientRect();
  f.setAttribute("data-box", [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(","));
  f.setAttribute("data-marks", s.querySelectorAll("path, text, rect, line, polyline, polygon").length);
}
document.body.setAttribute("data-height", Math.ceil(document.documentElement.scrollHeight));
// What scrolls sideways: the page, or any table, summary or figure grid.
const wide = [];
if (document.documentElement.scrollWidth > window.innerWidth) wide.push("page");
for (const e of document.querySelectorAll("table, dl, .figures, main, section")) {
  if (e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth) wide.push(e.tagName + "." + e.className);
}
document.body.setAttribute("data-wide", wide.join(" ") || "none");
// Where each party's reservation value is, to look for it in the screenshot.
const res = [];
for (const td of document.querySelectorAll("table.parties tbody td:last-child")) {
  const r = td.getBoundingClientRect();
  res.push([r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(","));
}
document.body.setAttribute("data-reservations", res.join(";"));
</script>`

var boxRe = regexp.MustCompile(`<figure class="chart" data-chart="([a-z-]+)" data-var="([a-z_]+)" data-box="(-?\d+),(-?\d+),(\d+),(\d+)" data-marks="(\d+)"`)

type box struct {
	kind, name string
	x, y, w, h int
	marks      int
}

// width is the browser window's width: a laptop's, with no room to
// spare.
const width = 1200

// TestBrowser renders the report, as a person opens it, in headless
// Chromium at 1200 px: every chart is in the DOM as an <svg> with
// content, laid out at a useful size, and in the screenshot each chart's
// area is drawn (many colours, varied pixels), not blank; nothing scrolls
// sideways, and each party's reservation value is on the page and drawn.
func TestBrowser(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	two := New("claim-600m.json", reference(t))
	current := New("current.json", currentRun(t))
	for _, tc := range []struct {
		name    string
		results []Result
		want    map[string]int
	}{
		{"one result with parties and a tornado", []Result{withExtras(t)},
			map[string]int{"histogram": 7, "s-curve": 7, "settlement-range": 1, "tornado": 1}},
		{"two results overlaid", []Result{withExtras(t), two},
			map[string]int{"overlay": 7, "histogram": 14, "s-curve": 14, "settlement-range": 1, "tornado": 1}},
		{"a run of this settle, with statistics, on a position", []Result{current},
			map[string]int{"histogram": 7, "s-curve": 7, "settlement-range": 1, "tornado": 8}},
		{"value of information with sobol indices and spiders", []Result{New("drivers.json", drivers(t))},
			map[string]int{"voi": 2, "sobol": 8, "spider": 7, "histogram": 7, "s-curve": 7, "settlement-range": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html := write(t, tc.results...)
			page := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".html")
			measured := strings.Replace(html, "</body>", measure+"\n</body>", 1)
			if err := os.WriteFile(page, []byte(measured), 0o644); err != nil {
				t.Fatal(err)
			}
			url := "file://" + page
			dom := string(chromium(t, bin, fmt.Sprintf("--window-size=%d,900", width), "--dump-dom", url))

			var boxes []box
			for _, m := range boxRe.FindAllStringSubmatch(dom, -1) {
				n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
				boxes = append(boxes, box{m[1], m[2], n(3), n(4), n(5), n(6), n(7)})
			}
			got := map[string]int{}
			for _, b := range boxes {
				got[b.kind]++
				if b.w < 400 || b.h < 200 {
					t.Errorf("%s of %s is %d×%d px, too small to read", b.kind, b.name, b.w, b.h)
				}
				if b.marks < 20 {
					t.Errorf("%s of %s has %d SVG elements: empty?", b.kind, b.name, b.marks)
				}
			}
			for k, n := range tc.want {
				if got[k] != n {
					t.Errorf("DOM has %d %s charts, want %d", got[k], k, n)
				}
			}
			if strings.Count(dom, "<svg") != len(boxes) {
				t.Errorf("DOM has %d <svg> elements and %d measured charts", strings.Count(dom, "<svg"), len(boxes))
			}
			hm := regexp.MustCompile(`data-height="(\d+)"`).FindStringSubmatch(dom)
			if hm == nil {
				t.Fatal("page height not measured: did the page load?")
			}
			height, _ := strconv.Atoi(hm[1])
			if m := regexp.MustCompile(`data-wide="([^"]*)"`).FindStringSubmatch(dom); m == nil || m[1] != "none" {
				t.Errorf("at %d px these scroll sideways or are cut: %v", width, m)
			}
			var reservations []image.Rectangle
			if m := regexp.MustCompile(`data-reservations="([^"]*)"`).FindStringSubmatch(dom); m != nil && m[1] != "" {
				for _, b := range strings.Split(m[1], ";") {
					var x, y, w, h int
					fmt.Sscanf(b, "%d,%d,%d,%d", &x, &y, &w, &h)
					if x+w > width || w < 40 {
						t.Errorf("a reservation value at x %d, %d px wide: not all on a %d px page", x, w, width)
					}
					reservations = append(reservations, image.Rect(x, y, x+w, y+h))
				}
			}
			if want := len(tc.results[0].Extras.Parties); len(reservations) != want {
				t.Errorf("%d reservation values on the page, want %d", len(reservations), want)
			}

			shot := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".png")
			chromium(t, bin, fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+shot, url)
			f, err := os.Open(shot)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != width || b.Dy() < height-2 {
				t.Fatalf("screenshot is %v, want %d×%d", b, width, height)
			}
			for _, r := range reservations {
				if colours, sd := inspect(img, r); colours < 3 || sd < 8 {
					t.Errorf("the reservation value at %v is not drawn in the screenshot: %d colours, sd %.1f", r, colours, sd)
				}
			}
			for _, b := range boxes {
				colours, sd := inspect(img, image.Rect(b.x, b.y, b.x+b.w, b.y+b.h))
				if colours < 6 || sd < 10 {
					t.Errorf("%s of %s at %d,%d: %d colours, pixel sd %.1f: blank in the screenshot", b.kind, b.name, b.x, b.y, colours, sd)
				}
			}
			if os.Getenv("SETTLE_KEEP_SCREENSHOT") != "" {
				data, _ := os.ReadFile(shot)
				out := filepath.Join(os.Getenv("SETTLE_KEEP_SCREENSHOT"), filepath.Base(shot))
				if err := os.WriteFile(out, data, 0o644); err != nil {
					t.Error(err)
				}
				t.Logf("screenshot kept at %s", out)
			}
		})
	}
}

// inspect counts the distinct colours in r (sampling every other pixel)
// and the standard deviation of their grey levels.
func inspect(img image.Image, r image.Rectangle) (int, float64) {
	r = r.Intersect(img.Bounds())
	seen := map[[3]uint32]bool{}
	var n, sum, sum2 float64
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			seen[[3]uint32{cr >> 8, cg >> 8, cb >> 8}] = true
			g := (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
			n++
			sum += g
			sum2 += g * g
		}
	}
	if n == 0 {
		return 0, 0
	}
	mean := sum / n
	return len(seen), math.Sqrt(math.Max(sum2/n-mean*mean, 0))
}

// TestInspectSeesBlank: the screenshot check fails a blank or flat area.
func TestInspectSeesBlank(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	if c, sd := inspect(img, img.Bounds()); c >= 6 || sd >= 10 {
		t.Errorf("white area: %d colours, sd %.1f", c, sd)
	}
}

// currentRun is a run of the reference case by this settle, on the
// buyer's position, with statistics and sensitivity: the document as
// settle run writes it today.
func currentRun(t *testing.T) *report.Document {
	t.Helper()
	dir := t.TempDir()
	ref, err := filepath.Abs("../../scenarios/one-step.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, ref)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "stats.yaml")
	body := "name: Termination compensation, with statistics\nextends: " + filepath.ToSlash(rel) + `
statistics:
  big_win: P(supplier_net > £50m)
  buyer_p975: p97.5(buyer_cost)
  award_if_liable: mean(court_award | liability)
`
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	buyer, _ := filepath.Abs("../../rules/positions/one-step-buyer.yaml")
	// The scenario lies outside the repository it extends: the root is
	// the file system's.
	p, err := engine.Spec{Path: path, Positions: []string{buyer}, Project: project.Options{Root: "/"}}.Load()
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 4000, Seed: 3, Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	return report.New(res)
}
