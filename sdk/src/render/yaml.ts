import { Document } from "yaml";
import { UNKEYED_SECRET_CHECKSUM } from "../app/secret-checksum.js";
import type { KubernetesObject } from "../kubernetes.js";
import { SECRET_ENV_CHECKSUM_ANNOTATION } from "../labels.js";
import { renderProject, type RenderOptions } from "./render.js";

export interface RenderYamlOptions extends RenderOptions {
  /** Print Secret values instead of masking them. Default `false`. */
  showSecrets?: boolean;
}

export const MASKED_SECRET_VALUE = "********";

/** Replaces every Secret value with a mask; other objects pass through untouched. */
export function maskSecrets(objects: KubernetesObject[]): KubernetesObject[] {
  return objects.map((object) => {
    if (object.kind !== "Secret") return object;
    const mask = (values?: Record<string, string>) => values && Object.fromEntries(Object.keys(values).map((key) => [key, MASKED_SECRET_VALUE]));
    return {
      ...object,
      ...(object.stringData ? { stringData: mask(object.stringData) } : {}),
      ...(object.data ? { data: mask(object.data) } : {}),
    };
  });
}

/**
 * Multi-document YAML. Strings are quoted where YAML 1.1 readers (kubectl, Helm) would read them as
 * booleans or numbers, so `LOG_COLOR: "on"` stays text.
 */
export function toYaml(objects: KubernetesObject[], masked: boolean): string {
  return objects
    .map((object) => {
      const document = new Document(object, { version: "1.1", aliasDuplicateObjects: false });
      if (masked && object.kind === "Secret") {
        document.commentBefore = " Secret values are masked; render with --show-secrets (CLI) or showSecrets: true (SDK) to include them.";
      }
      if (object.kind === "Deployment" && object.spec?.template.metadata?.annotations?.[SECRET_ENV_CHECKSUM_ANNOTATION] === UNKEYED_SECRET_CHECKSUM) {
        document.commentBefore =
          ` ${SECRET_ENV_CHECKSUM_ANNOTATION} is a placeholder: rendered without the deploy's key; render with` +
          " --secret-checksum-key-env VAR (CLI) or secretChecksumKey (SDK) for the value a deploy sets.";
      }
      return document.toString({ lineWidth: 0, directives: false });
    })
    .join("---\n");
}

/** The objects of `renderProject` as multi-document YAML; Secret values masked unless `showSecrets`. */
export async function renderProjectYaml(spec: unknown, options: RenderYamlOptions = {}): Promise<string> {
  const objects = await renderProject(spec, options);
  return toYaml(options.showSecrets ? objects : maskSecrets(objects), !options.showSecrets);
}
