import { describe, expect, it } from "vitest";
import { personNameProblem, storableTextProblem, unstorableText } from "./text.js";

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

describe("personNameProblem", () => {
  it("accepts the names people have, joiners and variation selectors included", () => {
    for (const name of ["Ana Müller", "José O'Brien-Smith", "محمد", "می‌خواهم", "क्‍ष", "👩‍💻 Team ❤️", "王小明"]) {
      expect(personNameProblem(name), name).toBeUndefined();
    }
  });

  it.each([
    ["a right-to-left override", "evil\u202Etxt.exe", "a bidirectional control character (U+202E)"],
    ["a left-to-right isolate", "a\u2066b", "a bidirectional control character (U+2066)"],
    ["a right-to-left mark", "a\u200Fb", "a bidirectional control character (U+200F)"],
    ["a zero-width space", "ad\u200Bmin", "an invisible character (U+200B)"],
    ["a byte order mark", "\uFEFFadmin", "an invisible character (U+FEFF)"],
    ["a soft hyphen", "ad\u00ADmin", "an invisible character (U+00AD)"],
    ["a Hangul filler", "\u3164", "an invisible character (U+3164)"],
    ["a tag character", "a\u{E0041}", "an invisible character (U+E0041)"],
    ["a line separator", "a\u2028b", "an invisible character (U+2028)"],
    ["a bell", "a\u0007b", "a control character (U+0007)"],
    ["a NUL", "a\u0000b", "a NUL character (U+0000)"],
    ["a lone surrogate", "a\uD800", "half of a UTF-16 surrogate pair (U+D800)"],
  ])("refuses %s, naming its code point", (_, name, what) => {
    expect(personNameProblem(name)).toContain(`contains ${what}`);
  });
});

describe("unstorableText", () => {
  it("finds every unstorable string and key of a JSON value, in document order, with its path", () => {
    const value = { name: "ok", env: { GOOD: "x", "BAD\u0000": "y", LATER: "\uD800" }, secretEnv: { "K\u0000": "v" }, args: ["a", "b\u0000"] };
    expect(unstorableText(value).map((problem) => problem.path)).toEqual([["env", "BAD\u0000"], ["env", "LATER"], ["secretEnv"], ["args", 1]]);
  });

  it("never repeats a secretEnv key, which may be a pasted secret", () => {
    const [problem] = unstorableText({ secretEnv: { "TOKEN=hunter2\u0000": "v" } });
    expect(problem).toEqual({ path: ["secretEnv"], message: expect.stringContaining("NUL") });
  });

  it("walks a body nested 200,000 deep without exhausting the stack", () => {
    let deep: unknown = "x\u0000";
    for (let depth = 0; depth < 200_000; depth++) deep = [deep];
    const problems = unstorableText(deep);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toHaveLength(200_000);
  });

  it("finds nothing in clean values and in values that hold no text", () => {
    expect(unstorableText({ a: [1, true, null, { b: "c" }] })).toEqual([]);
    expect(unstorableText(42)).toEqual([]);
  });
});
