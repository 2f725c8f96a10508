import { describe, expect, it } from "vitest";
import { enforceNamespace, MAX_QUERY_LENGTH, QueryRejected, unquote } from "./enforce.js";

describe("enforceNamespace", () => {
  it.each([
    ["up", 'up{namespace="shop"}'],
    ['up{job="api"}', 'up{job="api",namespace="shop"}'],
    ['up{namespace="other",job="api"}', 'up{job="api",namespace="shop"}'],
    ['up{"namespace"=~".*"}', 'up{namespace="shop"}'],
    ['{__name__=~"up|down"}', '{__name__=~"up|down",namespace="shop"}'],
    ["rate(up[5m] offset 1m)", 'rate(up{namespace="shop"}[5m] offset 1m)'],
    ["max_over_time(sum(up)[1h:5m] @ end())", 'max_over_time(sum(up{namespace="shop"})[1h:5m] @ end())'],
    ['up or on() down{namespace!="shop"}', 'up{namespace="shop"} or on() down{namespace="shop"}'],
    ['sum by (namespace) (up) # up{namespace="x"}', 'sum by (namespace) (up{namespace="shop"})  '],
    ['up{# job\njob="a"} # end', 'up{job="a",namespace="shop"}  '],
    ["vector(1) + 2", "vector(1) + 2"],
  ])("confines %s", (query, expected) => {
    expect(enforceNamespace(query, "shop")).toBe(expected);
  });

  it("escapes the namespace it writes", () => {
    expect(enforceNamespace("up", 'a"b')).toBe('up{namespace="a\\"b"}');
  });

  it.each([
    ["", /empty/],
    ["   # only a comment", /empty|does not parse/],
    ["sum(up", /does not parse/],
    ['up{namespace="x"', /does not parse|not closed/],
    ['up{job="a\\qb"}', /\\q is not an escape sequence/],
    ['up{job="\\u12"}', /4 hex digits/],
    ['up{"job\\777"="a"}', /octal/],
    ["info(up)", /info\(\) reads series outside your project/],
    ["up".padEnd(MAX_QUERY_LENGTH + 1, " "), /longer than/],
  ])("refuses %j", (query, message) => {
    expect(() => enforceNamespace(query, "shop")).toThrow(QueryRejected);
    expect(() => enforceNamespace(query, "shop")).toThrow(message);
  });
});

describe("enforceNamespace and comments", () => {
  // Prometheus' lexer ends a comment at \r or \n, lezer's at \n only: whatever follows a \r in a comment is
  // PromQL to Prometheus and invisible to the rewrite. Refusing and dropping the comment are both fine.
  it.each(['up # comment\ror up{namespace="other"}', 'max_over_time( # \rup{namespace="other"}[5m]\n)', 'up{job # \r="x"} or up{pod\n=~".*"}'])(
    "leaves Prometheus no comment it ends elsewhere: %j",
    (query) => {
      let confined: string;
      try {
        confined = enforceNamespace(query, "shop");
      } catch (error) {
        expect(error).toBeInstanceOf(QueryRejected);
        return;
      }
      expect(confined).not.toMatch(/#[^\n]*\r/);
    },
  );
});

describe("unquote", () => {
  it.each([
    ['"plain"', "plain"],
    ["'single \\' quote'", "single ' quote"],
    ["`raw \\n`", "raw \\n"],
    ['"tab\\tnew\\nline"', "tab\tnew\nline"],
    ['"\\x41\\101\\u0042\\U00000043"', "AABC"],
  ])("reads %s as Prometheus does", (literal, value) => {
    expect(unquote(literal)).toBe(value);
  });

  it.each(['"open', '"a\\"', "'a\\\"'", '"\\uD800"', '"a\nb"'])("refuses %j", (literal) => {
    expect(() => unquote(literal)).toThrow();
  });
});
