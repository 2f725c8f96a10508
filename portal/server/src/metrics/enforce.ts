/**
 * A tenant's own PromQL, confined to its namespace: what prom-label-proxy does, natively. The query is parsed
 * with Prometheus' own grammar (@prometheus-io/lezer-promql); a tree with any error node is refused, and
 * every vector selector (the only thing in PromQL that reads series, wherever it sits: in a range, a
 * function, an aggregation, a binary operation, a subquery, under `offset` or `@`) gets `namespace="<ns>"`
 * in place of whatever namespace matchers it had, quoted label names included. Comments are dropped: where
 * a comment ends is one of the places lezer and Prometheus disagree (Prometheus also ends one at `\r`), and
 * text that one parser reads as a comment and the other as PromQL would escape the rewrite. The result is
 * parsed again and checked, so a rewrite that went wrong is refused instead of sent.
 */
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";

/** Longer queries are refused before parsing: nobody types more, and parsing is linear but not free. */
export const MAX_QUERY_LENGTH = 10_000;
export const NAMESPACE_LABEL = "namespace";

/** Functions that read series no selector names (`info` joins `target_info` by itself): refused. */
const IMPLICIT_READS = new Set(["info"]);

export class QueryRejected extends Error {
  constructor(
    message: string,
    /** Offset in the query where the problem is, when there is one place. */
    readonly position?: number,
  ) {
    super(message);
    this.name = "QueryRejected";
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/**
 * The value of a PromQL string literal, with Prometheus' rules (Go's, with the quote as the only extra
 * escape): throws on anything Prometheus would refuse, so that what we read is what Prometheus reads.
 */
export function unquote(literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal.at(-1) !== quote || (quote !== '"' && quote !== "'" && quote !== "`")) {
    throw new Error("the string is not closed");
  }
  const body = literal.slice(1, -1);
  if (quote === "`") return body;
  let value = "";
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char === quote || char === "\n") throw new Error("the string is not closed");
    if (char !== "\\") {
      value += char;
      continue;
    }
    const escape = body[++index];
    if (escape === undefined) throw new Error("the string ends in an escape");
    if (escape === quote) value += quote;
    else if (escape in SIMPLE_ESCAPES) value += SIMPLE_ESCAPES[escape];
    else if (escape === "x" || escape === "u" || escape === "U") {
      const digits = { x: 2, u: 4, U: 8 }[escape];
      const hex = body.slice(index + 1, index + 1 + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw new Error(`\\${escape} needs ${digits} hex digits`);
      const code = Number.parseInt(hex, 16);
      if (escape !== "x" && (code > 0x10ffff || (code >= 0xd800 && code < 0xe000))) throw new Error(`\\${escape}${hex} is not a character`);
      value += escape === "x" ? String.fromCharCode(code) : String.fromCodePoint(code);
      index += digits;
    } else if (escape >= "0" && escape <= "7") {
      const octal = body.slice(index, index + 3);
      if (!/^[0-7]{3}$/.test(octal) || Number.parseInt(octal, 8) > 0xff) throw new Error(`\\${octal} is not an octal escape`);
      value += String.fromCharCode(Number.parseInt(octal, 8));
      index += 2;
    } else {
      throw new Error(`\\${escape} is not an escape sequence`);
    }
  }
  return value;
}

const near = (query: string, from: number) => JSON.stringify(query.slice(Math.max(0, from - 15), from + 15));

/** The label a matcher is about, unquoted; `undefined` for a quoted metric name (`{"metric"}`). */
function matcherLabel(query: string, matcher: SyntaxNode): string | undefined {
  if (matcher.name === "UnquotedLabelMatcher") return query.slice(matcher.firstChild!.from, matcher.firstChild!.to);
  if (matcher.name === "QuotedLabelMatcher") return unquote(query.slice(matcher.firstChild!.from, matcher.firstChild!.to));
  return undefined;
}

interface Selector {
  node: SyntaxNode;
  /** The metric name written before the braces, if any. */
  metric?: string;
  matchers: SyntaxNode[];
}

interface Parsed {
  selectors: Selector[];
  comments: { from: number; to: number }[];
}

/** Parses `query` into its vector selectors and comments; refuses what Prometheus could read differently from us. */
function parse(query: string): Parsed {
  const tree = parser.parse(query);
  const selectors: Selector[] = [];
  const comments: { from: number; to: number }[] = [];
  const problems: QueryRejected[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) {
        problems.push(new QueryRejected(`the query does not parse near ${near(query, ref.from)}`, ref.from));
        return false;
      }
      if (ref.name === "LineComment") comments.push({ from: ref.from, to: ref.to });
      if (ref.name === "StringLiteral") {
        try {
          unquote(query.slice(ref.from, ref.to));
        } catch (error) {
          problems.push(new QueryRejected(`the string at ${near(query, ref.from)} is invalid: ${(error as Error).message}`, ref.from));
        }
      }
      if (ref.name === "FunctionIdentifier" && IMPLICIT_READS.has(query.slice(ref.from, ref.to))) {
        problems.push(new QueryRejected(`${query.slice(ref.from, ref.to)}() reads series outside your project and is not allowed`, ref.from));
      }
      if (ref.name === "VectorSelector") {
        const node = ref.node;
        const identifier = node.getChild("Identifier");
        const braces = node.getChild("LabelMatchers");
        const matchers: SyntaxNode[] = [];
        for (let child = braces?.firstChild ?? null; child; child = child.nextSibling) {
          if (child.name === "UnquotedLabelMatcher" || child.name === "QuotedLabelMatcher" || child.name === "QuotedLabelName") matchers.push(child);
        }
        selectors.push({ node, metric: identifier ? query.slice(identifier.from, identifier.to) : undefined, matchers });
      }
      return undefined;
    },
  });
  if (problems.length > 0) throw problems[0]!;
  let expression = tree.topNode.firstChild;
  while (expression?.name === "LineComment") expression = expression.nextSibling;
  if (!expression) throw new QueryRejected("the query is empty");
  return { selectors, comments };
}

/**
 * `query` with `namespace="<namespace>"` enforced on every selector. Throws QueryRejected (a 400 for the
 * user) when the query is empty, too long or does not parse.
 */
export function enforceNamespace(query: string, namespace: string): string {
  if (query.trim() === "") throw new QueryRejected("the query is empty");
  if (query.length > MAX_QUERY_LENGTH) throw new QueryRejected(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  const enforced = `${NAMESPACE_LABEL}=${JSON.stringify(namespace)}`;
  const { selectors, comments } = parse(query);
  const within = (comment: { from: number }) => selectors.some((selector) => comment.from >= selector.node.from && comment.from < selector.node.to);
  const edits = [
    ...selectors.map((selector) => {
      const kept = selector.matchers.filter((matcher) => matcherLabel(query, matcher) !== NAMESPACE_LABEL).map((matcher) => query.slice(matcher.from, matcher.to));
      return { from: selector.node.from, to: selector.node.to, text: `${selector.metric ?? ""}{${[...kept, enforced].join(",")}}` };
    }),
    // A selector's own comments go with its rebuilt text.
    ...comments.filter((comment) => !within(comment)).map((comment) => ({ ...comment, text: " " })),
  ].sort((a, b) => b.from - a.from);
  let rewritten = query;
  // From the end, so earlier offsets stay right.
  for (const edit of edits) rewritten = rewritten.slice(0, edit.from) + edit.text + rewritten.slice(edit.to);
  assertConfined(rewritten, namespace);
  return rewritten;
}

/** `query` has no comments, and every selector has exactly one namespace matcher, `= namespace`; throws otherwise. */
function assertConfined(query: string, namespace: string): void {
  const { selectors, comments } = parse(query);
  if (comments.length > 0) throw new QueryRejected("the query could not be confined to your project: it still has comments");
  for (const selector of selectors) {
    const namespaceMatchers = selector.matchers.filter((matcher) => matcherLabel(query, matcher) === NAMESPACE_LABEL);
    const only = namespaceMatchers.length === 1 ? namespaceMatchers[0]! : undefined;
    const confined =
      only !== undefined && only.getChild("MatchOp")?.firstChild?.name === "EqlSingle" && unquote(query.slice(only.lastChild!.from, only.lastChild!.to)) === namespace;
    if (!confined) throw new QueryRejected(`the query could not be confined to your project near ${near(query, selector.node.from)}`, selector.node.from);
  }
}
