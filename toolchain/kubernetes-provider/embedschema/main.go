// Writes schema-embed.json (the provider's schema stamped with the version being built) and
// terraform-mapping-embed.json (compacted) from the files committed in the provider module, as the
// provider's own `go generate` step does. Usage: embedschema -version 4.25.0 -from DIR -to DIR
package main

import (
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	version := flag.String("version", "", "provider version to stamp into the schema")
	from := flag.String("from", "", "the provider module's cmd/pulumi-resource-kubernetes directory")
	to := flag.String("to", "", "directory to write the embedded files into")
	flag.Parse()
	if *version == "" || *from == "" || *to == "" {
		log.Fatal("embedschema: -version, -from and -to are required")
	}

	var spec schema.PackageSpec
	readJSON(filepath.Join(*from, "schema.json"), &spec)
	spec.Version = *version
	writeJSON(filepath.Join(*to, "schema-embed.json"), spec)

	var mapping any
	readJSON(filepath.Join(*from, "terraform-mapping.json"), &mapping)
	writeJSON(filepath.Join(*to, "terraform-mapping-embed.json"), mapping)
}

func readJSON(path string, into any) {
	contents, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(contents, into); err != nil {
		log.Fatalf("embedschema: %s: %v", path, err)
	}
}

func writeJSON(path string, value any) {
	contents, err := json.Marshal(value)
	if err != nil {
		log.Fatalf("embedschema: %s: %v", path, err)
	}
	if err := os.WriteFile(path, contents, 0o644); err != nil {
		log.Fatal(err)
	}
}
