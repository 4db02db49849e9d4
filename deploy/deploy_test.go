// Package deploy holds the examples that run settle's shards on the
// engines people already have — a Kubernetes Indexed Job, a GitHub
// Actions matrix, a Slurm job array — and tests them. It is a module of
// its own, so that the Kubernetes API types its test decodes the
// manifests with stay out of settle's own module.
package deploy

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// documents splits a multi-document YAML file.
func documents(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		if strings.TrimSpace(stripComments(d)) != "" {
			docs = append(docs, []byte(d))
		}
	}
	return docs
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// decode decodes a manifest strictly into the API type of its kind: a
// field the type does not have, or a value of the wrong type, fails.
func decode(t *testing.T, doc []byte) any {
	t.Helper()
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		t.Fatal(err)
	}
	var obj any
	switch tm.APIVersion + "/" + tm.Kind {
	case "batch/v1/Job":
		obj = &batchv1.Job{}
	case "v1/PersistentVolumeClaim":
		obj = &corev1.PersistentVolumeClaim{}
	default:
		t.Fatalf("unexpected kind %s %s", tm.APIVersion, tm.Kind)
	}
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		t.Fatalf("%s %s: %v", tm.APIVersion, tm.Kind, err)
	}
	return obj
}

func kubernetes(t *testing.T) (claims map[string]*corev1.PersistentVolumeClaim, jobs map[string]*batchv1.Job) {
	claims, jobs = map[string]*corev1.PersistentVolumeClaim{}, map[string]*batchv1.Job{}
	for _, f := range []string{"kubernetes/shards.yaml", "kubernetes/merge.yaml"} {
		for _, doc := range documents(t, f) {
			switch o := decode(t, doc).(type) {
			case *batchv1.Job:
				jobs[o.Name] = o
			case *corev1.PersistentVolumeClaim:
				claims[o.Name] = o
			}
		}
	}
	return claims, jobs
}

var shardFlag = regexp.MustCompile(`--shard "?\$\{?(\w+)\}?/(\S+?)"?(\s|$)`)

// TestKubernetesManifests: the Indexed Job runs shard
// JOB_COMPLETION_INDEX of as many shards as it has completions, all at
// once; it and the merge Job mount the same claim, the shards writing
// the parts where the merge reads them.
func TestKubernetesManifests(t *testing.T) {
	claims, jobs := kubernetes(t)
	shards, merge := jobs["settle-shards"], jobs["settle-merge"]
	if shards == nil || merge == nil {
		t.Fatalf("want jobs settle-shards and settle-merge, have %v", jobs)
	}
	spec := shards.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatal("settle-shards: want completionMode: Indexed, so that each pod has its JOB_COMPLETION_INDEX")
	}
	if spec.Completions == nil || spec.Parallelism == nil || *spec.Completions != *spec.Parallelism {
		t.Fatal("settle-shards: want completions equal to parallelism")
	}
	n := int(*spec.Completions)
	script := strings.Join(shards.Spec.Template.Spec.Containers[0].Args, " ")
	m := shardFlag.FindStringSubmatch(script)
	if m == nil || m[1] != "JOB_COMPLETION_INDEX" || m[2] != strconv.Itoa(n) {
		t.Fatalf("settle-shards: want --shard ${JOB_COMPLETION_INDEX}/%d in %q", n, script)
	}
	if !strings.Contains(script, "-o \"/parts/part-${JOB_COMPLETION_INDEX}.settle\"") {
		t.Errorf("settle-shards: each shard must write its own part under /parts: %q", script)
	}
	mergeScript := strings.Join(merge.Spec.Template.Spec.Containers[0].Args, " ")
	if !strings.Contains(mergeScript, "settle merge /parts/part-*.settle") {
		t.Errorf("settle-merge: want it to merge /parts/part-*.settle: %q", mergeScript)
	}
	for _, j := range []*batchv1.Job{shards, merge} {
		ps := j.Spec.Template.Spec
		if ps.RestartPolicy != corev1.RestartPolicyNever && ps.RestartPolicy != corev1.RestartPolicyOnFailure {
			t.Errorf("%s: restartPolicy %q is not allowed in a Job", j.Name, ps.RestartPolicy)
		}
		vols := map[string]corev1.Volume{}
		for _, v := range ps.Volumes {
			vols[v.Name] = v
		}
		c := ps.Containers[0]
		if c.Image == "" {
			t.Errorf("%s: no image", j.Name)
		}
		for _, vm := range c.VolumeMounts {
			v, ok := vols[vm.Name]
			if !ok {
				t.Errorf("%s: mounts volume %q, which it does not declare", j.Name, vm.Name)
				continue
			}
			if vm.MountPath != "/parts" {
				t.Errorf("%s: mounts the parts at %s, not /parts", j.Name, vm.MountPath)
			}
			if pvc := v.PersistentVolumeClaim; pvc == nil || claims[pvc.ClaimName] == nil {
				t.Errorf("%s: volume %s is not the claim declared in shards.yaml", j.Name, vm.Name)
			}
		}
		if len(c.VolumeMounts) != 1 {
			t.Errorf("%s: want the parts' volume mounted once", j.Name)
		}
	}
	for _, c := range claims {
		if !containsMode(c.Spec.AccessModes, corev1.ReadWriteMany) {
			t.Errorf("claim %s: the shards' pods write at once: want ReadWriteMany", c.Name)
		}
	}
}

func containsMode(ms []corev1.PersistentVolumeAccessMode, m corev1.PersistentVolumeAccessMode) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// TestStrictDecodeCatchesMistakes: the strict decode the manifests pass
// fails a misspelt field, so that passing it means something.
func TestStrictDecodeCatchesMistakes(t *testing.T) {
	doc := documents(t, "kubernetes/merge.yaml")[0]
	bad := bytes.Replace(doc, []byte("backoffLimit:"), []byte("backofLimit:"), 1)
	if err := yaml.UnmarshalStrict(bad, &batchv1.Job{}); err == nil {
		t.Fatal("a misspelt field decoded without error")
	}
}

// workflow is the part of a GitHub Actions workflow the test reads.
type workflow struct {
	Jobs map[string]struct {
		Needs    any `json:"needs"`
		Strategy struct {
			Matrix map[string][]int `json:"matrix"`
		} `json:"strategy"`
		Steps []map[string]any `json:"steps"`
	} `json:"jobs"`
}

// TestGitHubActions: the matrix has one job a shard, each running shard
// matrix.shard of as many as the matrix has, and the merge job needs
// them all and merges every part.
func TestGitHubActions(t *testing.T) {
	data, err := os.ReadFile("github-actions/settle-shards.yml")
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	shard, merge := w.Jobs["shard"], w.Jobs["merge"]
	ks := shard.Strategy.Matrix["shard"]
	for i, k := range ks {
		if k != i {
			t.Fatalf("matrix shard %v: want 0 … N−1", ks)
		}
	}
	runs := func(steps []map[string]any) string {
		var b strings.Builder
		for _, s := range steps {
			if r, ok := s["run"].(string); ok {
				b.WriteString(r + "\n")
			}
		}
		return b.String()
	}
	want := fmt.Sprintf("--shard ${{ matrix.shard }}/%d -o part-${{ matrix.shard }}.settle", len(ks))
	if !strings.Contains(runs(shard.Steps), want) {
		t.Errorf("shard job: want %q in %s", want, runs(shard.Steps))
	}
	if merge.Needs != "shard" {
		t.Errorf("merge job: needs %v, want shard", merge.Needs)
	}
	if !strings.Contains(runs(merge.Steps), "settle merge part-*.settle -o result.json") {
		t.Errorf("merge job: want settle merge part-*.settle -o result.json")
	}
}

// TestSlurm: the array's tasks are 0 … N−1 and each runs shard
// SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT; the merge runs after
// every task succeeds.
func TestSlurm(t *testing.T) {
	data, err := os.ReadFile("slurm/settle-shards.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !regexp.MustCompile(`(?m)^#SBATCH --array=0-\d+$`).MatchString(s) {
		t.Error("settle-shards.sbatch: want #SBATCH --array=0-N")
	}
	if !strings.Contains(s, `--shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"`) {
		t.Error("settle-shards.sbatch: want --shard ${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}")
	}
	sub, err := os.ReadFile("slurm/submit.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sub), "--dependency=\"afterok:") {
		t.Error("submit.sh: the merge must depend on the array with afterok")
	}
}
