/** Kubernetes and container naming rules, shared by the spec schema and the components. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Services must be DNS-1035 labels: they start with a letter.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
// POSIX-style names: Kubernetes itself accepts more, but shells and most runtimes only these.
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** The longest project or app name: leaves room for suffixes such as `-env` and `-tls` in object names. */
export const MAX_NAME_LENGTH = 40;
const MAX_SHOWN_LENGTH = 80;

/**
 * Namespaces a project must never take over: Kubernetes' own and the platform's defaults.
 * Components also refuse the platform namespaces they are configured with.
 */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "ingress-nginx", "monitoring", "cert-manager", "babyhelm", "babyhelm-system"];

/** A value quoted for a message, shortened so a pasted megabyte never reaches a terminal whole. */
export function shown(value: string): string {
  return JSON.stringify(value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH - 3)}...` : value);
}

function labelProblem(value: string, pattern: RegExp, rule: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > MAX_NAME_LENGTH) return `${shown(value)} is ${value.length} characters long; use at most ${MAX_NAME_LENGTH}`;
  if (!pattern.test(value)) {
    const hint = /[A-Z]/.test(value) && pattern.test(value.toLowerCase()) ? ` (try "${value.toLowerCase()}")` : "";
    return `${shown(value)} is not a valid name: ${rule}${hint}`;
  }
  return undefined;
}

/** Why `value` is not a usable project name (a DNS-1123 label), or undefined when it is. */
export function nameProblem(value: string): string | undefined {
  return labelProblem(value, DNS_LABEL, 'use lowercase letters, digits and "-", starting and ending with a letter or digit');
}

/** Why `value` is not a usable app name, or undefined. Apps name their Service, and Service names start with a letter. */
export function appNameProblem(value: string): string | undefined {
  return labelProblem(value, DNS_1035_LABEL, 'use lowercase letters, digits and "-", starting with a letter and ending with a letter or digit');
}

/** Why `value` cannot be a project (namespace) name, or undefined when it can. */
export function namespaceNameProblem(value: string, reserved: readonly string[] = RESERVED_NAMESPACES): string | undefined {
  const problem = nameProblem(value);
  if (problem) return problem;
  if (value.startsWith("kube-") || reserved.includes(value)) {
    return `"${value}" is reserved for the cluster or the platform; choose another name`;
  }
  return undefined;
}

/** Why `value` is not a DNS subdomain (names of IngressClasses, ClusterIssuers), or undefined. */
export function subdomainProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    return `${shown(value)} is not a valid name: use lowercase letters, digits, "-" and ".", at most 253 characters`;
  }
  return undefined;
}

export function domainProblem(value: string): string | undefined {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value) || !value.includes(".")) {
    const hint = /[A-Z]/.test(value) ? ` (try "${value.toLowerCase()}")` : "";
    return `${shown(value)} is not a valid domain: use a lowercase host name such as shop.example.com, without scheme, port or path${hint}`;
  }
  if (IPV4.test(value)) return `${shown(value)} is an IP address; an Ingress needs a host name such as shop.example.com`;
  if (value.split(".").some((label) => label.length > 63)) return `${shown(value)} has a part longer than 63 characters`;
  return undefined;
}

/** Why `value` is not a variable name, or undefined. Never repeats more of a pasted `NAME=value` than the name. */
export function envNameProblem(value: string): string | undefined {
  const equals = value.indexOf("=");
  if (equals >= 0) {
    return `${shown(value.slice(0, equals))} is followed by "=": write the variable as NAME: value, not NAME=value`;
  }
  if (value === "__proto__") return `"__proto__" is not allowed as a variable name`;
  if (value.length > 256 || !ENV_NAME.test(value)) {
    return `${shown(value)} is not a valid variable name: use letters, digits and "_", not starting with a digit`;
  }
  return undefined;
}

/** Label keys: an optional DNS-subdomain prefix and a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `${shown(key)} has an invalid prefix: use a lowercase DNS name such as example.com/`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `${shown(key)} is not a valid label key: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `${shown(value)} is not a valid label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}
