import { describe, expect, it } from "vitest";
import { personNameProblem } from "./person-names.js";

describe("personNameProblem", () => {
  it("accepts the names people have, joiners and variation selectors included", () => {
    const names = ["Ana Müller", "José O'Brien-Smith", "محمد", "می\u200Cخواهم", "क्\u200Dष", "👩\u200D💻 Team ❤\uFE0F", "❤\uFE0F\u200D🔥", "王小明"];
    const flags = ["\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Scotland"];
    for (const name of [...names, ...flags]) {
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
    ["a tag character outside a flag", "a\u{E0041}", "an invisible character (U+E0041)"],
    ["a zero-width joiner alone", "\u200D", "an invisible character (U+200D)"],
    ["a zero-width non-joiner between Latin letters", "ad\u200Cmin", "an invisible character (U+200C)"],
    ["a zero-width joiner at the end", "محمد\u200D", "an invisible character (U+200D)"],
    ["a variation selector with nothing to select", "\uFE0F", "an invisible character (U+FE0F)"],
    ["a variation selector after a space", "a \uFE0F", "an invisible character (U+FE0F)"],
    ["a line separator", "a\u2028b", "an invisible character (U+2028)"],
    ["a bell", "a\u0007b", "a control character (U+0007)"],
    ["a NUL", "a\u0000b", "a NUL character (U+0000)"],
    ["a lone surrogate", "a\uD800", "half of a UTF-16 surrogate pair (U+D800)"],
  ])("refuses %s, naming its code point", (_, name, what) => {
    expect(personNameProblem(name)).toContain(`contains ${what}`);
  });
});
