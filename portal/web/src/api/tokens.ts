/** The account's personal access tokens (for CI and scripts); a new token's secret is in the creation answer only. */
import { endpoints, type ApiToken, type RequestOf, type ResponseOf } from "@babyhelm/sdk/api";
import { client } from "./client.js";

/** A token to create: null project, role or expiry for all projects, the user's own role, no expiry. */
export type NewApiToken = RequestOf<typeof endpoints.createToken>["body"];
/** A token just made, with its secret: shown once. */
export type CreatedApiToken = ResponseOf<typeof endpoints.createToken>["token"];

export async function fetchTokens(): Promise<ApiToken[]> {
  return (await client.call(endpoints.listTokens)).items;
}

export async function createToken(input: NewApiToken): Promise<CreatedApiToken> {
  return (await client.call(endpoints.createToken, { body: input })).token;
}

export async function deleteToken(id: string): Promise<void> {
  await client.call(endpoints.deleteToken, { params: { id } });
}
