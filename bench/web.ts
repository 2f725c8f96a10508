/**
 * Web app size: a production build of portal/web into a temporary folder, every JS and CSS file raw and
 * gzipped (node:zlib, default level, as a server or CDN would send it). Initial = what index.html loads
 * before the first page shows: its module script, its modulepreload links and the static imports they pull
 * in (from Vite's manifest), and its stylesheets; lazy = the chunks a route loads when it is visited.
 * Target: initial JS at most 200 kB gzipped.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { BenchResult } from "./measure.js";

const WEB_ROOT = join(import.meta.dirname, "..", "portal", "web");
const TARGET_INITIAL_JS_GZIP_KB = 200;

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

interface Asset {
  file: string;
  kind: "js" | "css";
  initial: boolean;
  raw: number;
  gzip: number;
}

const kb = (bytes: number) => bytes / 1000;

/** Files index.html loads: `<script src>`, `<link rel="modulepreload">` and `<link rel="stylesheet">`. */
function loadedByIndex(html: string): string[] {
  const files: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith("<script") && /type="module"/.test(tag);
    const isLink = /rel="(modulepreload|stylesheet)"/.test(tag);
    const url = /(?:src|href)="\/?([^"]+)"/.exec(tag)?.[1];
    if ((isScript || isLink) && url) files.push(url);
  }
  return files;
}

/** The entry's static import closure from Vite's manifest: what the browser must fetch before the app runs. */
function staticClosure(manifest: Record<string, ManifestChunk>, entry: string): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  return [...files];
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

export async function benchWeb(): Promise<BenchResult[]> {
  const outDir = mkdtempSync(join(tmpdir(), "babyhelm-web-bench-"));
  try {
    const { build } = await import("vite");
    const started = performance.now();
    await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true, manifest: true } });
    const buildMs = performance.now() - started;

    const html = readFileSync(join(outDir, "index.html"), "utf8");
    const manifest = JSON.parse(readFileSync(join(outDir, ".vite", "manifest.json"), "utf8")) as Record<string, ManifestChunk>;
    const fromIndex = loadedByIndex(html);
    const initial = new Set([...fromIndex, ...staticClosure(manifest, "index.html")]);
    const missingPreloads = staticClosure(manifest, "index.html").filter((file) => file.endsWith(".js") && !fromIndex.includes(file));

    const assets: Asset[] = listFiles(outDir)
      .filter((file) => /\.(js|css)$/.test(file))
      .map((file) => {
        const content = readFileSync(join(outDir, file));
        return { file, kind: file.endsWith(".css") ? "css" : "js", initial: initial.has(file), raw: content.length, gzip: gzipSync(content).length } as Asset;
      })
      .sort((a, b) => Number(b.initial) - Number(a.initial) || a.kind.localeCompare(b.kind) || b.gzip - a.gzip);

    console.log(`\nweb app (production build in ${(buildMs / 1000).toFixed(1)} s; kB = 1000 bytes; gzip = node:zlib default level)`);
    console.log("  load     kind  raw kB  gzip kB  file");
    for (const asset of assets) {
      console.log(
        `  ${(asset.initial ? "initial" : "lazy").padEnd(7)}  ${asset.kind.padEnd(4)}  ${kb(asset.raw).toFixed(1).padStart(6)}  ${kb(asset.gzip).toFixed(1).padStart(7)}  ${asset.file}`,
      );
    }
    const total = (filter: (asset: Asset) => boolean) => {
      const chosen = assets.filter(filter);
      return { count: chosen.length, raw: chosen.reduce((sum, asset) => sum + asset.raw, 0), gzip: chosen.reduce((sum, asset) => sum + asset.gzip, 0) };
    };
    const groups = {
      "initial JS": total((asset) => asset.initial && asset.kind === "js"),
      "initial CSS": total((asset) => asset.initial && asset.kind === "css"),
      "lazy JS": total((asset) => !asset.initial && asset.kind === "js"),
      "lazy CSS": total((asset) => !asset.initial && asset.kind === "css"),
    };
    console.log("  totals");
    for (const [name, group] of Object.entries(groups)) {
      console.log(
        `    ${name.padEnd(11)}  ${String(group.count).padStart(2)} files  ${kb(group.raw).toFixed(1).padStart(6)} kB raw  ${kb(group.gzip).toFixed(1).padStart(6)} kB gzip`,
      );
    }
    // Vite preloads every static import of the entry; a gap here would mean a request waterfall on first load.
    if (missingPreloads.length > 0) console.log(`  note: statically imported but not preloaded by index.html: ${missingPreloads.join(", ")}`);
    const initialJsGzipKb = kb(groups["initial JS"].gzip);
    const met = initialJsGzipKb <= TARGET_INITIAL_JS_GZIP_KB;
    console.log(`  initial JS gzip ${initialJsGzipKb.toFixed(1)} kB: ${met ? "within" : "OVER"} the ${TARGET_INITIAL_JS_GZIP_KB} kB target`);
    return [{ name: "web initial JS (gzip)", value: initialJsGzipKb, unit: "kB", target: `<= ${TARGET_INITIAL_JS_GZIP_KB} kB`, met }];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
