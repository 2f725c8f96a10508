// pulumi-language-nodejs: the language host that lets `pulumi up` run a Node.js program from disk.
//
// Upstream's host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// served by the Go module proxy these machines reach, so BabyHelm builds this one against the same
// sdk/v3 release as the CLI. It speaks the LanguageRuntime protocol of pulumi/proto and hands the
// program to @pulumi/pulumi's own entry point (cmd/run) exactly as that entry point documents its
// flags and environment, so the program, its SDK and the engine behave as with upstream's host.
// What it does not do: TypeScript type-checking beyond what cmd/run does itself, code generation,
// `pulumi convert`, policy packs and plugin programs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	pbempty "google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// cmd/run exits with this code when the program's error was already reported to the engine.
const exitCodeErrorAlreadyReported = 32

func main() {
	// -v and --logtostderr, which the engine may pass, are registered by the SDK's logging package.
	tracing := flag.String("tracing", "", "tracing endpoint, handed on to the program")
	flag.Parse()

	host := &languageHost{tracing: *tracing}
	if args := flag.Args(); len(args) > 0 {
		host.engineAddress = args[len(args)-1]
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(server *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(server, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of standard output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version.Version, "v")}, nil
}

func (h *languageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	plugins, err := resourcePlugins(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	response := &pulumirpc.GetRequiredPackagesResponse{}
	for _, p := range plugins {
		response.Packages = append(response.Packages, &pulumirpc.PackageDependency{
			Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server,
		})
	}
	return response, nil
}

func (h *languageHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	plugins, err := resourcePlugins(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	response := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range plugins {
		response.Plugins = append(response.Plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: "resource", Version: p.Version, Server: p.Server,
		})
	}
	return response, nil
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDirectory := info.GetProgramDirectory()
	if programDirectory == "" {
		programDirectory = req.GetPwd()
	}
	runScript, err := resolvePackageFile(programDirectory, "@pulumi/pulumi", "cmd", "run")
	if err != nil {
		return nil, errors.New("the program's @pulumi/pulumi package was not found from " + programDirectory +
			": run `npm install` in the program's directory")
	}
	options := runtimeOptions(info)

	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	args := append([]string{}, options.nodeArgs...)
	args = append(args, runScript,
		"--monitor="+req.GetMonitorAddress(),
		"--engine="+engineAddress,
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+req.GetPwd(),
		"--root-directory="+info.GetRootDirectory(),
		"--parallel="+strconv.Itoa(int(req.GetParallel())),
	)
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if h.tracing != "" {
		args = append(args, "--tracing="+h.tracing)
	}
	args = append(args, filepath.Join(programDirectory, entryPoint(info)))
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(nonNil(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	if options.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if options.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+options.tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitCodeErrorAlreadyReported:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: "could not start node: " + err.Error()}, nil
	}
}

func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	directory := req.GetInfo().GetProgramDirectory()
	if directory == "" {
		directory = req.GetDirectory()
	}
	cmd := exec.CommandContext(server.Context(), "npm", "install")
	cmd.Dir = directory
	cmd.Stdout = streamWriter(func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	})
	cmd.Stderr = streamWriter(func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	})
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install in %s: %w", directory, err)
	}
	return nil
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node was not found on PATH")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	manifestPath, err := findManifest(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	manifest, err := readManifest(manifestPath)
	if err != nil {
		return nil, err
	}
	directory := filepath.Dir(manifestPath)
	response := &pulumirpc.GetProgramDependenciesResponse{}
	for _, name := range sortedKeys(manifest.Dependencies, manifest.DevDependencies) {
		installed := "not installed"
		if path, err := resolvePackageFile(directory, name, "package.json"); err == nil {
			if dep, err := readManifest(path); err == nil {
				installed = dep.Version
			}
		}
		response.Dependencies = append(response.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: installed})
	}
	return response, nil
}

type options struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

// runtimeOptions reads Pulumi.yaml's runtime.options; TypeScript is on unless turned off, as upstream.
func runtimeOptions(info *pulumirpc.ProgramInfo) options {
	result := options{typescript: true}
	fields := info.GetOptions().GetFields()
	if v, ok := fields["typescript"]; ok {
		result.typescript = v.GetBoolValue()
	}
	if v, ok := fields["tsconfig"]; ok {
		result.tsconfig = v.GetStringValue()
	}
	if v, ok := fields["nodeargs"]; ok {
		result.nodeArgs = strings.Fields(v.GetStringValue())
	}
	return result
}

func entryPoint(info *pulumirpc.ProgramInfo) string {
	if info.GetEntryPoint() == "" {
		return "."
	}
	return info.GetEntryPoint()
}

type manifest struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Pulumi               *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

type plugin struct{ Name, Version, Server string }

// resourcePlugins follows the program's dependencies (and theirs, peers included, resolved as Node
// resolves them) and lists the packages that declare a resource plugin in package.json's "pulumi".
func resourcePlugins(programDirectory string) ([]plugin, error) {
	manifestPath, err := findManifest(programDirectory)
	if err != nil {
		return nil, err
	}
	root, err := readManifest(manifestPath)
	if err != nil {
		return nil, err
	}
	programDirectory = filepath.Dir(manifestPath)
	found := map[string]plugin{}
	seen := map[string]bool{}
	var visit func(fromDirectory string, names []string)
	visit = func(fromDirectory string, names []string) {
		for _, name := range names {
			path, err := resolvePackageFile(fromDirectory, name, "package.json")
			if err != nil {
				continue // an optional or not installed dependency: Node would not load it either
			}
			real, err := filepath.EvalSymlinks(path)
			if err != nil || seen[real] {
				continue
			}
			seen[real] = true
			dep, err := readManifest(real)
			if err != nil {
				continue
			}
			if p := dep.Pulumi; p != nil && p.Resource {
				name := p.Name
				if name == "" {
					name = strings.TrimPrefix(dep.Name, "@pulumi/")
				}
				pluginVersion := p.Version
				if pluginVersion == "" {
					pluginVersion = dep.Version
				}
				found[name+"@"+pluginVersion] = plugin{Name: name, Version: "v" + strings.TrimPrefix(pluginVersion, "v"), Server: p.Server}
			}
			packageDirectory := filepath.Dir(path)
			visit(packageDirectory, sortedKeys(dep.Dependencies, dep.PeerDependencies, dep.OptionalDependencies))
		}
	}
	visit(programDirectory, sortedKeys(root.Dependencies, root.DevDependencies, root.PeerDependencies))

	plugins := make([]plugin, 0, len(found))
	for _, key := range sortedKeys(found) {
		plugins = append(plugins, found[key])
	}
	return plugins, nil
}

// findManifest finds the program's package.json: in its directory or above (main may be a subdirectory
// such as dist/).
func findManifest(directory string) (string, error) {
	dir, err := filepath.Abs(directory)
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "package.json")
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no package.json in %s or above it", directory)
		}
		dir = parent
	}
}

// resolvePackageFile finds node_modules/<name>/<parts...> from directory upwards, as Node does.
func resolvePackageFile(directory, name string, parts ...string) (string, error) {
	dir, err := filepath.Abs(directory)
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(append([]string{dir, "node_modules", name}, parts...)...)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func readManifest(path string) (*manifest, error) {
	contents, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(contents, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

func sortedKeys[V any](maps ...map[string]V) []string {
	set := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			set[k] = true
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func nonNil(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}

type streamWriter func([]byte) error

func (w streamWriter) Write(b []byte) (int, error) {
	chunk := append([]byte(nil), b...)
	if err := w(chunk); err != nil {
		return 0, err
	}
	return len(b), nil
}

var _ io.Writer = streamWriter(nil)
