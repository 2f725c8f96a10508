import { describe, expect, it } from "vitest";
import type { Role } from "../models/ProjectMember.js";
import { cappedRole, effectiveRole, limitsOf, mayCreateProjects, roleAtLeast, ROLE_ORDER } from "./token-scope.js";

const SHOP = "7";
const OTHER = "8";

describe("a token's scope", () => {
  it("is nothing for an unlimited token: it acts as its user", () => {
    expect(limitsOf({ projectId: null, role: null })).toBeUndefined();
    for (const role of ROLE_ORDER) expect(effectiveRole(undefined, SHOP, role)).toBe(role);
    expect(effectiveRole(undefined, SHOP, undefined)).toBeUndefined();
  });

  it("keeps the member's role or the token's, whichever is lower", () => {
    const cases: [member: Role, token: Role, effective: Role][] = [
      ["owner", "developer", "developer"],
      ["owner", "viewer", "viewer"],
      ["developer", "developer", "developer"],
      ["developer", "owner", "developer"],
      ["viewer", "owner", "viewer"],
      ["viewer", "developer", "viewer"],
    ];
    for (const [member, token, effective] of cases) {
      expect(effectiveRole({ projectId: SHOP, role: token }, SHOP, member)).toBe(effective);
      expect(effectiveRole({ projectId: null, role: token }, OTHER, member)).toBe(effective);
      expect(cappedRole({ projectId: null, role: token }, member)).toBe(effective);
    }
    expect(effectiveRole({ projectId: SHOP, role: null }, SHOP, "owner")).toBe("owner");
  });

  it("finds no project outside the token's own, nor one the user is not a member of", () => {
    expect(effectiveRole({ projectId: SHOP, role: null }, OTHER, "owner")).toBeUndefined();
    expect(effectiveRole({ projectId: SHOP, role: "viewer" }, OTHER, "owner")).toBeUndefined();
    expect(effectiveRole({ projectId: SHOP, role: null }, SHOP, undefined)).toBeUndefined();
    expect(effectiveRole({ projectId: null, role: "developer" }, OTHER, undefined)).toBeUndefined();
  });

  it("compares project ids as ids, whatever type the database driver gave", () => {
    expect(effectiveRole({ projectId: "7", role: null }, 7 as unknown as string, "developer")).toBe("developer");
  });

  it("orders roles viewer < developer < owner", () => {
    expect(roleAtLeast("owner", "developer")).toBe(true);
    expect(roleAtLeast("developer", "developer")).toBe(true);
    expect(roleAtLeast("viewer", "developer")).toBe(false);
    expect(roleAtLeast("developer", "owner")).toBe(false);
  });

  it("lets only tokens that could own a project create one", () => {
    expect(mayCreateProjects(undefined)).toBe(true);
    expect(mayCreateProjects({ projectId: null, role: "owner" })).toBe(true);
    expect(mayCreateProjects({ projectId: SHOP, role: null })).toBe(false);
    expect(mayCreateProjects({ projectId: SHOP, role: "owner" })).toBe(false);
    expect(mayCreateProjects({ projectId: null, role: "developer" })).toBe(false);
  });
});
