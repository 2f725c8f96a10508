/**
 * Names meant for people (a project's displayName, an account's name, a token's name) must look like what
 * they are: no control or bidirectional characters, which can turn a line around, and no invisible ones,
 * which make two names look alike. Invisible characters some scripts and emoji need are kept only where
 * they do their work: a zero-width (non-)joiner between two visible non-ASCII characters (Persian, Indic,
 * emoji sequences), a variation selector after a visible character, an emoji tag sequence after a black
 * flag and ending in its cancel tag.
 */
import { codePointName, storableTextProblem } from "./text.js";

const CONTROL = /\p{Cc}/u;
/** The explicit bidirectional formatting characters (Unicode's Bidi_Control property). */
const BIDI_CONTROL = /\p{Bidi_Control}/u;
/** Characters that show nothing: default-ignorable code points, interlinear annotation marks, line and paragraph separators. */
const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\uFFF9-\uFFFB\u2028\u2029]$/u;
const SPACE = /^\s$/u;

const ZERO_WIDTH_JOINERS = new Set([0x200c, 0x200d]);
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

const isVariationSelector = (point: number) =>
  (point >= 0xfe00 && point <= 0xfe0f) || (point >= 0xe0100 && point <= 0xe01ef) || (point >= 0x180b && point <= 0x180d) || point === 0x180f;
const isTag = (point: number) => point >= 0xe0020 && point <= 0xe007e;

/** Shows something: not invisible, not a space, and there at all. */
const isVisible = (character: string | undefined) => character !== undefined && !INVISIBLE.test(character) && !SPACE.test(character);

/** Whether the invisible character at `index` of `characters` is one a script or an emoji needs there. */
function isNeededThere(characters: readonly string[], index: number): boolean {
  const point = characters[index]!.codePointAt(0)!;
  const before = characters[index - 1];
  const after = characters[index + 1];
  const beforePoint = before?.codePointAt(0) ?? 0;
  const afterPoint = after?.codePointAt(0) ?? 0;
  if (ZERO_WIDTH_JOINERS.has(point)) {
    // An emoji may end in a variation selector before it joins the next one (❤️‍🔥).
    const joinsBefore = beforePoint > 0x7f && (isVisible(before) || isVariationSelector(beforePoint));
    return joinsBefore && afterPoint > 0x7f && isVisible(after);
  }
  if (isVariationSelector(point)) return isVisible(before);
  if (isTag(point)) return (beforePoint === BLACK_FLAG || isTag(beforePoint)) && (isTag(afterPoint) || afterPoint === CANCEL_TAG);
  if (point === CANCEL_TAG) return isTag(beforePoint);
  return false;
}

function firstMisplacedInvisible(value: string): string | undefined {
  const characters = [...value];
  return characters.find((character, index) => INVISIBLE.test(character) && !isNeededThere(characters, index));
}

/** Why `value` is not usable as a name people read, or undefined. Shows only the offending character's code point. */
export function personNameProblem(value: string): string | undefined {
  const storable = storableTextProblem(value);
  if (storable) return storable;
  const control = CONTROL.exec(value);
  if (control) return `contains a control character (${codePointName(control[0])}); remove it`;
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) return `contains a bidirectional control character (${codePointName(bidi[0])}), which can make a name read as something else; remove it`;
  const invisible = firstMisplacedInvisible(value);
  if (invisible) return `contains an invisible character (${codePointName(invisible)}), which can make a name look like another; remove it`;
  return undefined;
}
