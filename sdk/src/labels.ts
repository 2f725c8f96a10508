/** The labels every BabyHelm object carries (DESIGN.md §3); monitoring and the portal select on them. */

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const NAME_LABEL = "app.kubernetes.io/name";
export const PROJECT_LABEL = "babyhelm.io/project";
export const APP_LABEL = "babyhelm.io/app";
export const OWNER_ANNOTATION = "babyhelm.io/owner";
export const DISPLAY_NAME_ANNOTATION = "babyhelm.io/display-name";
export const SECRET_ENV_CHECKSUM_ANNOTATION = "babyhelm.io/secret-env-checksum";
/** On the pod template: a new value rolls the pods, as `kubectl rollout restart` does, but through the spec. */
export const RESTARTED_AT_ANNOTATION = "babyhelm.io/restarted-at";

/** On the Ingress of a private app, so a platform can select what only its private network serves. */
export const VISIBILITY_LABEL = "babyhelm.io/visibility";

export type Labels = Record<string, string>;

export function projectLabels(project: string): Labels {
  return { [MANAGED_BY_LABEL]: "babyhelm", [PROJECT_LABEL]: project };
}

export function appLabels(project: string, app: string): Labels {
  return { ...projectLabels(project), [NAME_LABEL]: app, [APP_LABEL]: app };
}

/** What a Deployment's selector matches. Selectors are immutable, so this must never change. */
export function appSelector(app: string): Labels {
  return { [APP_LABEL]: app };
}
