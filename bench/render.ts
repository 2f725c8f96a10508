/**
 * Render speed: specs of 50, 100 and 200 apps through `renderProjectYaml` (what `babyhelm render` and the
 * portal's manifests endpoint do). Targets: 200 apps under 1 s; 200 apps at most 2.4 times 100 apps.
 */
import { renderProject, renderProjectYaml } from "../sdk/src/index.js";
import { specWithApps } from "../sdk/src/test-support/specs.js";
import { median, type BenchResult } from "./measure.js";

const SIZES = [50, 100, 200] as const;
const RUNS = 15;

async function timeRender(render: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await render();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function benchRender(): Promise<BenchResult[]> {
  const specs = Object.fromEntries(SIZES.map((size) => [size, specWithApps(size)]));
  // Warm up the JIT and module caches so the first size is not charged for them.
  for (let run = 0; run < 5; run++) await renderProjectYaml(specs[200]);

  const yamlMs: Record<number, number> = {};
  console.log("render (median of %d runs)", RUNS);
  console.log("  apps  objects  renderProject ms  renderProjectYaml ms  ms/app (YAML)");
  for (const size of SIZES) {
    const objects = (await renderProject(specs[size])).length;
    const objectsMs = await timeRender(() => renderProject(specs[size]));
    yamlMs[size] = await timeRender(() => renderProjectYaml(specs[size]));
    console.log(
      `  ${String(size).padStart(4)}  ${String(objects).padStart(7)}  ${objectsMs.toFixed(1).padStart(16)}  ${yamlMs[size]!.toFixed(1).padStart(20)}  ${(yamlMs[size]! / size).toFixed(3).padStart(13)}`,
    );
  }
  const ratio = yamlMs[200]! / yamlMs[100]!;
  return [
    { name: "render 200 apps (YAML)", value: yamlMs[200]!, unit: "ms", target: "< 1000 ms", met: yamlMs[200]! < 1000 },
    { name: "render 200 apps / 100 apps", value: ratio, unit: "x", target: "<= 2.4", met: ratio <= 2.4 },
  ];
}
