/** Small, safe pieces for writing PromQL: selectors with escaped values, and checked durations. */

export type Matcher = readonly [label: string, op: "=" | "!=" | "=~" | "!~", value: string];

/** A PromQL string literal: double-quoted, with backslashes and quotes escaped (Go string syntax). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `metric{label="value",...}` with every value escaped. */
export function selector(metric: string, matchers: readonly Matcher[]): string {
  return `${metric}{${matchers.map(([label, op, value]) => `${label}${op}${quote(value)}`).join(",")}}`;
}

// A Prometheus duration (`5m`, `1h30m`) or a Grafana interval variable (`$__rate_interval`, `$__range`).
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$|^\$\{?__(rate_interval|interval|range)\}?$/;

/** Returns `text` when it is a usable range; throws naming the argument otherwise. */
export function duration(text: string, argument: string): string {
  if (!DURATION.test(text)) {
    throw new Error(`${argument}: "${text}" is not a duration: use Prometheus durations such as "5m" or "1h"`);
  }
  return text;
}
