import { Model } from "objection";

/** One app of a project, with every ProjectSpec app field. `secretEnv` is only ever stored encrypted. */
export class AppRecord extends Model {
  static override tableName = "apps";
  // Stored as jsonb; objection serialises them (arrays would otherwise become PostgreSQL arrays).
  static override jsonAttributes = ["command", "args", "env", "secretEnvKeys", "autoscale"];

  id!: string;
  projectId!: string;
  name!: string;
  /** Order in the spec: apps render and deploy in the order they were added. */
  position!: number;
  image!: string;
  port!: number | null;
  replicas!: number | null;
  command!: string[] | null;
  args!: string[] | null;
  env!: Record<string, string> | null;
  secretEnvEncrypted!: string | null;
  secretEnvKeys!: string[] | null;
  resourcesCpu!: string;
  resourcesMemory!: string;
  healthCheckPath!: string | null;
  domain!: string | null;
  autoscale!: { min: number; max: number; cpuPercent: number } | null;
  /** RFC 3339; a restart sets it to now, which changes the pod template. */
  restartedAt!: string | null;
  /** `public` or `private` (served by the platform's private ingress class); null: public. */
  visibility!: string | null;
  createdAt!: Date;
  updatedAt!: Date;

  override $beforeUpdate() {
    this.updatedAt = new Date();
  }
}
