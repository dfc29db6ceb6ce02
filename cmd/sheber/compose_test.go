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

// portalBuilder is the one service that builds the portal image; the other
// binaryServices run the image it builds.
const portalBuilder = "sheber"

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

// builtImages returns the image names that services of the file build
// (a service with both build and image tags its build with that name).
func builtImages(services map[string]map[string]any) map[string]bool {
	built := map[string]bool{}
	for _, svc := range services {
		if _, hasBuild := svc["build"]; hasBuild {
			if ref, _ := svc["image"].(string); ref != "" {
				built[ref] = true
			}
		}
	}
	return built
}

// TestComposeImagesPinned: every pulled image has an explicit, non-latest
// tag; every build points at a Dockerfile that exists, whose base images are
// pinned as well. An image that a service of the file builds is not pulled,
// so its name needs no pinning.
func TestComposeImagesPinned(t *testing.T) {
	_, services := loadCompose(t)
	built := builtImages(services)
	for _, name := range sortedNames(services) {
		svc := services[name]
		t.Run(name, func(t *testing.T) {
			image, hasImage := svc["image"]
			build, hasBuild := svc["build"]
			if !hasImage && !hasBuild {
				t.Fatalf("service %q has neither image nor build", name)
			}
			if ref, _ := image.(string); hasImage && !hasBuild && !built[ref] {
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

// TestComposePortalImageBuiltOnce: exactly one service (sheber) builds the
// portal image and names it; the other services that run the sheber binary
// use that image without building or pulling it, and nothing else does.
func TestComposePortalImageBuiltOnce(t *testing.T) {
	_, services := loadCompose(t)
	var builders []string
	for _, name := range sortedNames(services) {
		if _, ok := services[name]["build"]; ok {
			builders = append(builders, name)
		}
	}
	if len(builders) != 1 || builders[0] != portalBuilder {
		t.Fatalf("services with a build section: %v, want exactly [%s]", builders, portalBuilder)
	}
	builder := services[portalBuilder]
	image, _ := builder["image"].(string)
	if strings.TrimSpace(image) == "" {
		t.Fatalf("service %q builds the portal image but does not name it (image:), so the others cannot use it", portalBuilder)
	}
	// A locally built name exists in no registry: compose must build it, never pull it.
	if p, _ := builder["pull_policy"].(string); p != "build" {
		t.Errorf("service %q: pull_policy = %q, want \"build\" (%s is built here, not pulled)", portalBuilder, p, image)
	}
	isBinary := map[string]bool{}
	for _, name := range binaryServices {
		isBinary[name] = true
		if name == portalBuilder {
			continue
		}
		svc, ok := services[name]
		if !ok {
			t.Errorf("compose.yaml has no service %q", name)
			continue
		}
		if ref, _ := svc["image"].(string); ref != image {
			t.Errorf("service %q: image = %q, want %q (the image %q builds)", name, ref, image, portalBuilder)
		}
		if p, _ := svc["pull_policy"].(string); p != "never" {
			t.Errorf("service %q: pull_policy = %q, want \"never\" (%s is built by %q, not pulled)", name, p, image, portalBuilder)
		}
	}
	for _, name := range sortedNames(services) {
		if ref, _ := services[name]["image"].(string); ref == image && !isBinary[name] {
			t.Errorf("service %q uses the portal image %s but is not one of %v", name, image, binaryServices)
		}
	}
}

// TestComposePortsLoopback: every published port is bound to 127.0.0.1, so
// that the demo accounts and development secrets stay off the network.
func TestComposePortsLoopback(t *testing.T) {
	_, services := loadCompose(t)
	published := 0
	for _, name := range sortedNames(services) {
		ports, _ := services[name]["ports"].([]any)
		for _, p := range ports {
			published++
			switch p := p.(type) {
			case string:
				// Short syntax: [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL].
				if !strings.HasPrefix(p, "127.0.0.1:") || strings.Count(p, ":") != 2 {
					t.Errorf("service %q publishes %q; want 127.0.0.1:HOST_PORT:CONTAINER_PORT", name, p)
				}
			case map[string]any:
				if ip, _ := p["host_ip"].(string); ip != "127.0.0.1" || p["published"] == nil {
					t.Errorf("service %q publishes %v; want host_ip 127.0.0.1 and a published port", name, p)
				}
			default:
				t.Errorf("service %q: port entry %v (%T) must be a string or a mapping", name, p, p)
			}
		}
	}
	if got, ok := services[portalBuilder]["ports"].([]any); !ok || len(got) == 0 {
		t.Errorf("service %q publishes no port; the portal must be reachable on 127.0.0.1:8080", portalBuilder)
	}
	if published == 0 {
		t.Error("no service publishes a port")
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
