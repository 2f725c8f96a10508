/** The account's personal access tokens (for CI and scripts); a new token's secret is in the creation answer only. */
import { api } from "./client.js";
import type { ApiToken, NewApiToken } from "./types.js";

export async function fetchTokens(): Promise<ApiToken[]> {
  return (await api.get<{ items: ApiToken[] }>("/me/tokens")).data.items;
}

export async function createToken(input: NewApiToken): Promise<Required<ApiToken>> {
  return (await api.post<{ token: Required<ApiToken> }>("/me/tokens", input)).data.token;
}

export async function deleteToken(id: string): Promise<void> {
  await api.delete(`/me/tokens/${encodeURIComponent(id)}`);
}
