/** Every migration goes down and up again, also over data the later migrations allow and the earlier ones did not. */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../test-support/portal.js";
import { createKnex, migrateToLatest, rollbackAll } from "./database.js";

describe("migrations", () => {
  it("roll back over a project whose creator's account is gone, and apply again", async () => {
    const knex = createKnex(await createTestDatabase(), 2);
    try {
      await migrateToLatest(knex);
      const [creator, heir] = await knex("users")
        .insert(["creator", "heir"].map((name) => ({ email: `${name}@example.com`, name, passwordHash: "x" })))
        .returning("id");
      const [project] = await knex("projects").insert({ name: "kept", ownerId: creator.id, quotaCpu: "1", quotaMemory: "1Gi", quotaPods: 10 }).returning("id");
      await knex("project_members").insert([
        { projectId: project.id, userId: creator.id, role: "developer" },
        { projectId: project.id, userId: heir.id, role: "owner" },
      ]);
      // The creator's account goes; the project stays, its creator forgotten.
      await knex("users").where({ id: creator.id }).delete();
      expect(await knex("projects").where({ id: project.id }).first()).toMatchObject({ name: "kept", ownerId: null });

      await rollbackAll(knex);
      expect(await knex.schema.hasTable("projects")).toBe(false);
      expect(await migrateToLatest(knex)).toContain("20261126000200_project_owners");
    } finally {
      await knex.destroy();
    }
  });
});
