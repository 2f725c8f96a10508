/**
 * Text that can be stored, and names meant for people. Kubernetes' API server and PostgreSQL keep text as
 * UTF-8 and refuse a NUL character (PostgreSQL) or a lone UTF-16 surrogate, which has no UTF-8 form and
 * would be turned into U+FFFD on the way. Names people read (a project's displayName, an account's name,
 * a token's name) must also look like what they are: no bidirectional controls, no invisible characters.
 * The spec schema, the API contract and the portal's request parsing all use these, so the CLI and the
 * portal refuse the same text in the same words.
 */

const NUL = "\u0000";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /\p{Cc}/u;
/** The explicit bidirectional formatting characters (Unicode's Bidi_Control property). */
const BIDI_CONTROL = /\p{Bidi_Control}/u;
/**
 * Characters that show nothing: Unicode's default-ignorable code points, the interlinear annotation marks
 * and the line and paragraph separators.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\uFFF9-\uFFFB\u2028\u2029]/gu;

/** Invisible, but needed: zero-width (non-)joiners for Persian and Indic names and emoji, and variation selectors. */
function isNeededJoinerOrSelector(codePoint: number): boolean {
  return codePoint === 0x200c || codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0xe0100 && codePoint <= 0xe01ef);
}

function firstInvisible(value: string): string | undefined {
  for (const [character] of value.matchAll(INVISIBLE)) if (!isNeededJoinerOrSelector(character.codePointAt(0)!)) return character;
  return undefined;
}

/** `U+202E`: how a message names a character without showing it (it may be invisible, or turn the line around). */
function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why `value` cannot be stored as text (a NUL, a lone surrogate), or undefined when it can. Never shows the value. */
export function storableTextProblem(value: string): string | undefined {
  if (value.includes(NUL)) return "contains a NUL character (U+0000), which Kubernetes and PostgreSQL cannot store; remove it";
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) {
    return `contains half of a UTF-16 surrogate pair (${codePoint(surrogate[0])}) without the other half, which is not text; send the whole character or remove it`;
  }
  return undefined;
}

/** Why `value` is not usable as a name people read, or undefined. Shows only the offending character's code point. */
export function personNameProblem(value: string): string | undefined {
  const storable = storableTextProblem(value);
  if (storable) return storable;
  const control = CONTROL.exec(value);
  if (control) return `contains a control character (${codePoint(control[0])}); remove it`;
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) return `contains a bidirectional control character (${codePoint(bidi[0])}), which can make a name read as something else; remove it`;
  const invisible = firstInvisible(value);
  if (invisible) return `contains an invisible character (${codePoint(invisible)}), which can make a name look like another; remove it`;
  return undefined;
}

export interface TextProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * Every string in a JSON value (keys included) that cannot be stored, with its path, in document order,
 * as the spec schema reports them: a key at its own path, except a key of a `secretEnv`, which may be a
 * pasted secret and is reported at the mapping without being repeated. Walks with its own stack, and each entry points at its parent rather than copying the path, so
 * a deeply nested body costs neither the call stack nor memory squared.
 */
export function unstorableText(value: unknown): TextProblem[] {
  interface Visit {
    value: unknown;
    key?: PropertyKey;
    parent?: Visit;
  }
  const pathOf = (visit: Visit | undefined): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at = visit; at?.parent; at = at.parent) path.push(at.key!);
    return path.reverse();
  };
  const problems: TextProblem[] = [];
  const pending: Visit[] = [{ value }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const current = visit.value;
    if (typeof current === "string") {
      const message = storableTextProblem(current);
      if (message) problems.push({ path: pathOf(visit), message });
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    const children: Visit[] = Array.isArray(current)
      ? current.map((item, index) => ({ value: item, key: index, parent: visit }))
      : Object.entries(current).map(([key, item]) => {
          const message = storableTextProblem(key);
          if (message) problems.push({ path: visit.key === "secretEnv" ? pathOf(visit) : [...pathOf(visit), key], message });
          return { value: item, key, parent: visit };
        });
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]!);
  }
  return problems;
}
