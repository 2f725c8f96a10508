import { describe, expect, it } from "vitest";
import { MAX_NESTING, MAX_TEXT_PROBLEMS, storableTextProblem, unstorableText } from "./text.js";

describe("storableTextProblem", () => {
  it("accepts any well-formed text, emoji and other astral characters included", () => {
    for (const text of ["", "plain", "naïve café", "日本語", "😀 and 👩‍💻", "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", "tab\tand\nnewline"]) {
      expect(storableTextProblem(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it("refuses a NUL anywhere, and a lone surrogate of either half, naming it without showing the text", () => {
    expect(storableTextProblem("a\u0000b")).toBe("contains a NUL character (U+0000), which Kubernetes and PostgreSQL cannot store; remove it");
    expect(storableTextProblem("end \uD83D")).toMatch(/^contains half of a UTF-16 surrogate pair \(U\+D83D\) without the other half/);
    expect(storableTextProblem("\uDE00 start")).toMatch(/\(U\+DE00\)/);
    // Two high halves in a row: neither has its low half.
    expect(storableTextProblem("\uD83D\uD83D\uDE00")).toMatch(/\(U\+D83D\)/);
    expect(storableTextProblem("hunter2\u0000")).not.toContain("hunter2");
  });
});

describe("unstorableText", () => {
  it("finds every unstorable string and key of a JSON value, in document order, with its path", () => {
    const value = { name: "ok", env: { GOOD: "x", "BAD\u0000": "y", LATER: "\uD800" }, secretEnv: { "K\u0000": "v" }, args: ["a", "b\u0000"] };
    expect(unstorableText(value).map((problem) => problem.path)).toEqual([["env", "BAD\u0000"], ["env", "LATER"], ["secretEnv"], ["args", 1]]);
  });

  it("never repeats a secretEnv key, which may be a pasted secret, nor walks below one that is no variable name", () => {
    expect(unstorableText({ secretEnv: { "TOKEN=hunter2\u0000": "v" } })).toEqual([{ path: ["secretEnv"], message: expect.stringContaining("NUL") }]);
    // The schema refuses the name (without repeating it); the walk must not name it at the value's path.
    expect(unstorableText({ secretEnv: { "TOKEN=hunter2": "\u0000" } })).toEqual([]);
    expect(unstorableText({ secretEnv: { API_KEY: { "TOKEN=hunter2\u0000": "x" } } })).toEqual([]);
    expect(unstorableText({ secretEnv: { API_KEY: "\u0000" } })).toEqual([{ path: ["secretEnv", "API_KEY"], message: expect.stringContaining("NUL") }]);
  });

  it("lists at most 20 problems, however many a body holds", () => {
    const body = { items: Array.from({ length: 100_000 }, () => "\u0000") };
    const problems = unstorableText(body);
    expect(problems).toHaveLength(MAX_TEXT_PROBLEMS);
    expect(problems[19]!.path).toEqual(["items", 19]);
  });

  it("answers a body nested deeper than 32 levels with one problem at the root, at once", () => {
    const nest = (depth: number, inner: unknown) => Array.from({ length: depth }).reduce<unknown>((value) => [value], inner);
    expect(unstorableText(nest(MAX_NESTING, "\u0000"))).toEqual([{ path: Array(MAX_NESTING).fill(0), message: expect.stringContaining("NUL") }]);
    expect(unstorableText(nest(MAX_NESTING + 1, "ok"))).toEqual([{ path: [], message: "is nested more than 32 levels deep; no request or spec is" }]);
    // The hostile shape (deep and full of bad strings): one answer, found without walking it all.
    const hostile = nest(
      200_000,
      Array.from({ length: 2_000 }, () => "\u0000"),
    );
    expect(unstorableText(hostile)).toEqual([{ path: [], message: expect.stringContaining("nested more than") }]);
  });

  it("finds nothing in clean values and in values that hold no text", () => {
    expect(unstorableText({ a: [1, true, null, { b: "c" }] })).toEqual([]);
    expect(unstorableText(42)).toEqual([]);
  });
});
