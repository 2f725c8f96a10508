/** PromQL syntax checks with Prometheus' own grammar (@prometheus-io/lezer-promql, the parser of its web UI). */
import { parser } from "@prometheus-io/lezer-promql";

export interface PromqlSyntaxError {
  /** Offset of the problem in the expression. */
  from: number;
  /** The text around the problem, for messages. */
  near: string;
}

/** Every place where the grammar could not parse `expr`; empty when it parses. */
export function promqlSyntaxErrors(expr: string): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push({ from: node.from, near: expr.slice(Math.max(0, node.from - 20), node.to + 20) });
    },
  });
  return errors;
}
