/** The owner rule without a database: a project keeps at least one owner, for member changes and account deletion alike. */
import { describe, expect, it } from "vitest";
import { keepsAnOwner, lastOwner, projectsLeftWithoutOwner, soleOwner } from "./owners.js";

describe("keepsAnOwner", () => {
  it("holds while someone else is an owner too", () => {
    expect(keepsAnOwner(["1", "2"], "1")).toBe(true);
    expect(keepsAnOwner(["1"], "2")).toBe(true);
  });

  it("fails for the only owner", () => {
    expect(keepsAnOwner(["1"], "1")).toBe(false);
    expect(keepsAnOwner([], "1")).toBe(false);
  });
});

describe("projectsLeftWithoutOwner", () => {
  it("names the projects the leaving user is the only owner of, in the order given", () => {
    const owners = [
      { project: "alpha", ownerIds: ["7"] },
      { project: "beta", ownerIds: ["3", "7"] },
      { project: "gamma", ownerIds: ["7"] },
    ];
    expect(projectsLeftWithoutOwner(owners, "7")).toEqual(["alpha", "gamma"]);
    expect(projectsLeftWithoutOwner(owners.slice(1, 2), "7")).toEqual([]);
  });
});

describe("the refusals", () => {
  it("tell a member change to make someone else an owner first", () => {
    expect(lastOwner()).toMatchObject({ status: 409, code: "last_owner", message: "A project needs an owner: make someone else an owner first." });
  });

  it("tell an account deletion which projects to hand over or delete", () => {
    expect(soleOwner(["shop"])).toMatchObject({
      status: 409,
      code: "sole_owner",
      message: 'You are the only owner of the project "shop"; transfer ownership to another member or delete the project first.',
      details: { projects: ["shop"] },
    });
    expect(soleOwner(["blog", "shop"]).message).toBe('You are the only owner of the projects "blog", "shop"; transfer ownership to another member or delete these projects first.');
  });
});
