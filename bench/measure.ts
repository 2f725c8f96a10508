export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function printSummary(results: BenchResult[]): void {
  console.log("\nsummary");
  for (const result of results) {
    const value = result.unit === "x" ? result.value.toFixed(2) : result.value.toFixed(1);
    console.log(`  ${result.met ? "met   " : "MISSED"}  ${result.name}: ${value} ${result.unit} (target ${result.target})`);
  }
}
