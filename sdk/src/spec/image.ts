import { shown } from "./names.js";

/**
 * Docker image references, after the grammar of distribution/reference:
 * `[host[:port]/]path[:tag][@algorithm:hex]`.
 */

const alphaNumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const repository = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${repository})(?::(${tag}))?(?:@(${digest}))?$`);

const MAX_REPOSITORY_LENGTH = 255;

export interface ImageReference {
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(text: string): ImageReference | undefined {
  const match = REFERENCE.exec(text);
  if (!match || match[1]!.length > MAX_REPOSITORY_LENGTH) return undefined;
  const [, repositoryName, tagName, digestText] = match;
  if (digestText?.startsWith("sha256:") && digestText.length !== "sha256:".length + 64) return undefined;
  return { repository: repositoryName!, tag: tagName, digest: digestText };
}

/** Why `text` is not an image reference, or undefined when it is. */
export function imageProblem(text: string): string | undefined {
  if (parseImageReference(text)) return undefined;
  const withoutDomain = text.includes("/") ? text.slice(text.indexOf("/") + 1) : text;
  const hint = /[A-Z]/.test(withoutDomain.split(/[:@]/)[0] ?? "")
    ? ": repository names must be lowercase"
    : ": use registry/repository[:tag][@sha256:digest], e.g. nginx:1.27 or ghcr.io/acme/api:v2";
  return `${shown(text)} is not a valid image reference${hint}`;
}
