package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// repoRoot is where compose.yaml and the Dockerfile live, relative to this
// package directory (go test runs with the package directory as cwd).
const repoRoot = "../.."

// oneShotLabel marks compose services that are jobs (run once, then exit)
// rather than long-running services.
const oneShotLabel = "sheber.one-shot"

// binaryServices run the sheber binary and therefore need the portal's
// required environment (requiredEnv, defined next to the config loader).
var binaryServices = []string{"sheber", "worker", "migrate", "seed"}

// loadCompose parses compose.yaml into generic maps. yaml.v3 resolves
// anchors/aliases and `<<: *anchor` merge keys while decoding, so the
// environment seen here is the merged one compose itself would see.
func loadCompose(t *testing.T) (map[string]any, map[string]map[string]any) {
	t.Helper()
	path := filepath.Join(repoRoot, "compose.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("compose file %s must exist: %v", path, err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s is not valid YAML: %v", path, err)
	}
	rawServices, ok := doc["services"].(map[string]any)
	if !ok || len(rawServices) == 0 {
		t.Fatalf("%s: no `services` mapping", path)
	}
	services := make(map[string]map[string]any, len(rawServices))
	for name, v := range rawServices {
		svc, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: service %q is not a mapping (got %T)", path, name, v)
		}
		services[name] = svc
	}
	return doc, services
}

func sortedNames(services map[string]map[string]any) []string {
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// keyValues normalises compose's two spellings of environment/labels:
// a mapping {K: V} or a list ["K=V", ...]. A key listed without a value
// (list form "K" or mapping K: null) maps to "".
func keyValues(v any) (map[string]string, error) {
	out := map[string]string{}
	switch v := v.(type) {
	case nil:
	case map[string]any:
		for k, val := range v {
			if val == nil {
				out[k] = ""
			} else {
				out[k] = fmt.Sprint(val)
			}
		}
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("list entry %v is not a string", item)
			}
			k, val, _ := strings.Cut(s, "=")
			out[k] = val
		}
	default:
		return nil, fmt.Errorf("unexpected type %T", v)
	}
	return out, nil
}

func isOneShot(t *testing.T, name string, svc map[string]any) bool {
	t.Helper()
	labels, err := keyValues(svc["labels"])
	if err != nil {
		t.Fatalf("service %q: labels: %v", name, err)
	}
	return labels[oneShotLabel] == "true"
}

// healthcheckCommand returns the probe command of a healthcheck, or a reason
// why there is none.
func healthcheckCommand(hc any) ([]string, string) {
	m, ok := hc.(map[string]any)
	if !ok {
		return nil, "no healthcheck"
	}
	if d, _ := m["disable"].(bool); d {
		return nil, "healthcheck is disabled"
	}
	switch test := m["test"].(type) {
	case string:
		if strings.TrimSpace(test) == "" {
			return nil, "healthcheck test is empty"
		}
		return []string{test}, ""
	case []any:
		var parts []string
		for _, p := range test {
			parts = append(parts, fmt.Sprint(p))
		}
		if len(parts) == 0 || parts[0] == "NONE" {
			return nil, "healthcheck test is empty or NONE"
		}
		if parts[0] == "CMD" || parts[0] == "CMD-SHELL" {
			parts = parts[1:]
		}
		if len(parts) == 0 || strings.TrimSpace(parts[0]) == "" {
			return nil, "healthcheck test has no command"
		}
		return parts, ""
	default:
		return nil, fmt.Sprintf("healthcheck test missing or of type %T", test)
	}
}

// TestComposeHealthchecks: every long-running service has a probe; jobs
// (one-shot) have none, since compose would wait on them forever.
func TestComposeHealthchecks(t *testing.T) {
	_, services := loadCompose(t)
	for _, name := range sortedNames(services) {
		svc := services[name]
		oneShot := isOneShot(t, name, svc)
		t.Run(name, func(t *testing.T) {
			cmd, reason := healthcheckCommand(svc["healthcheck"])
			switch {
			case oneShot && svc["healthcheck"] != nil:
				t.Errorf("service %q is labelled %s=true but has a healthcheck; jobs must not have one", name, oneShotLabel)
			case oneShot:
				if r, _ := svc["restart"].(string); r != "no" {
					t.Errorf("one-shot service %q: restart = %v, want the string \"no\"", name, svc["restart"])
				}
			case cmd == nil:
				t.Errorf("long-running service %q: %s", name, reason)
			}
		})
	}
}

// TestComposeRequiredEnv: every variable the portal refuses to start without
// is set, non-empty, for every container running the sheber binary.
func TestComposeRequiredEnv(t *testing.T) {
	if len(requiredEnv) == 0 {
		t.Fatal("requiredEnv is empty")
	}
	_, services := loadCompose(t)
	for _, name := range binaryServices {
		t.Run(name, func(t *testing.T) {
			svc, ok := services[name]
			if !ok {
				t.Fatalf("compose.yaml has no service %q", name)
			}
			env, err := keyValues(svc["environment"])
			if err != nil {
				t.Fatalf("service %q: environment: %v", name, err)
			}
			for _, key := range requiredEnv {
				t.Run(key, func(t *testing.T) {
					val, ok := env[key]
					switch {
					case !ok:
						t.Errorf("service %q: required variable %s is not set", name, key)
					case strings.TrimSpace(val) == "":
						t.Errorf("service %q: required variable %s is empty", name, key)
					}
				})
			}
		})
	}
}

// imageTag returns the tag of an image reference ("" if untagged) and whether
// it is pinned by digest.
func imageTag(ref string) (tag string, digest bool) {
	if i := strings.Index(ref, "@"); i >= 0 {
		return "", true
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(name, ":"); i >= 0 {
		return name[i+1:], false
	}
	return "", false
}

func checkPinned(ref string) error {
	if strings.TrimSpace(ref) == "" {
		return fmt.Errorf("empty image reference")
	}
	tag, digest := imageTag(ref)
	switch {
	case digest:
		return nil
	case tag == "":
		return fmt.Errorf("image %q has no tag (implies latest)", ref)
	case tag == "latest":
		return fmt.Errorf("image %q uses the latest tag", ref)
	}
	return nil
}

// TestComposeImagesPinned: every pulled image has an explicit, non-latest
// tag; every build points at a Dockerfile that exists, whose base images are
// pinned as well.
func TestComposeImagesPinned(t *testing.T) {
	_, services := loadCompose(t)
	for _, name := range sortedNames(services) {
		svc := services[name]
		t.Run(name, func(t *testing.T) {
			image, hasImage := svc["image"]
			build, hasBuild := svc["build"]
			if !hasImage && !hasBuild {
				t.Fatalf("service %q has neither image nor build", name)
			}
			if hasImage && !hasBuild {
				ref, _ := image.(string)
				if err := checkPinned(ref); err != nil {
					t.Errorf("service %q: %v", name, err)
				}
			}
			if !hasBuild {
				return
			}
			context, dockerfile := ".", "Dockerfile"
			switch b := build.(type) {
			case string:
				context = b
			case map[string]any:
				if c, ok := b["context"].(string); ok && c != "" {
					context = c
				}
				if d, ok := b["dockerfile"].(string); ok && d != "" {
					dockerfile = d
				}
			default:
				t.Fatalf("service %q: build has unexpected type %T", name, build)
			}
			path := filepath.Join(repoRoot, context, dockerfile)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("service %q builds from %s, which cannot be read: %v", name, path, err)
			}
			for _, ref := range dockerfileBaseImages(string(data)) {
				if err := checkPinned(ref); err != nil {
					t.Errorf("service %q: %s: FROM %v", name, path, err)
				}
			}
		})
	}
}

// dockerfileBaseImages lists the external images named in FROM lines,
// skipping references to earlier build stages and "scratch".
func dockerfileBaseImages(dockerfile string) []string {
	stages := map[string]bool{"scratch": true}
	var refs []string
	for _, line := range strings.Split(dockerfile, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || !strings.EqualFold(fields[0], "FROM") {
			continue
		}
		args := fields[1:]
		for len(args) > 0 && strings.HasPrefix(args[0], "--") { // --platform=...
			args = args[1:]
		}
		if len(args) == 0 {
			continue
		}
		if ref := args[0]; !stages[strings.ToLower(ref)] {
			refs = append(refs, ref)
		}
		// A stage becomes referable by later FROM lines only after its own.
		if len(args) >= 3 && strings.EqualFold(args[1], "AS") {
			stages[strings.ToLower(args[2])] = true
		}
	}
	return refs
}

// TestComposeDependsOn: jobs are waited for until they exit successfully and
// long-running services until they are healthy; nothing depends on a
// service that does not exist.
func TestComposeDependsOn(t *testing.T) {
	_, services := loadCompose(t)
	for _, name := range sortedNames(services) {
		deps, ok := services[name]["depends_on"].(map[string]any)
		if !ok {
			if services[name]["depends_on"] != nil {
				t.Errorf("service %q: depends_on must use the long (mapping) form with conditions", name)
			}
			continue
		}
		for dep, v := range deps {
			target, exists := services[dep]
			if !exists {
				t.Errorf("service %q depends on unknown service %q", name, dep)
				continue
			}
			opts, _ := v.(map[string]any)
			cond, _ := opts["condition"].(string)
			want := "service_healthy"
			if isOneShot(t, dep, target) {
				want = "service_completed_successfully"
			}
			if cond != want {
				t.Errorf("service %q depends on %q with condition %q, want %q", name, dep, cond, want)
			}
		}
	}
}
