/** `babyhelm login`: checks a personal access token with the portal and saves it with the portal's URL. */
import { endpoints, fetchTransport, PortalApiError, PortalClient } from "../api/index.js";
import { parseCommandArgs } from "./args.js";
import { normalizeUrl, readConfig, TOKEN_VARIABLE, URL_VARIABLE, writeConfig } from "./config.js";
import type { PortalCommand } from "./context.js";
import { apiErrorLines } from "./context.js";
import { CommandFailed, EXIT_OK, UsageError } from "./errors.js";

export const login: PortalCommand = {
  name: "login",
  synopsis: "babyhelm login [--url URL] [--token TOKEN|-]",
  summary: "check a personal access token, save it with the portal's URL",
  usage: `Usage: babyhelm login [--url URL] [--token TOKEN | --token -]

Checks a personal access token with the portal (GET /api/me), then saves the URL and the token in
$XDG_CONFIG_HOME/babyhelm/config.json (default ~/.config/babyhelm/config.json; file mode 0600, its
directory 0700). BABYHELM_URL and BABYHELM_TOKEN, when set, override what is saved.

  --url URL      the portal's address, such as https://portal.example.com
                 (default: BABYHELM_URL, else the URL saved before)
  --token TOKEN  a personal access token: create one on the portal's account page; "-" reads it from
                 standard input, which keeps it out of the shell history and the process list
                 (default: BABYHELM_TOKEN)
`,
  async run(args, context) {
    const { values } = parseCommandArgs("login", args, { url: { type: "string" }, token: { type: "string" } }, []);
    const saved = await readConfig(context.env).catch(() => undefined);
    const [rawUrl, urlFrom] =
      values.url !== undefined
        ? [values.url, "--url"]
        : context.env[URL_VARIABLE]
          ? [context.env[URL_VARIABLE], URL_VARIABLE]
          : [saved?.config.url, saved?.path ?? "the config file"];
    if (!rawUrl) throw new UsageError(`login needs the portal's address: pass --url URL (such as https://portal.example.com) or set ${URL_VARIABLE}`, true);
    const url = normalizeUrl(rawUrl, urlFrom);

    let token: string | undefined;
    if (values.token === "-") {
      token = (await context.io.readStdin()).trim();
      if (!token) throw new UsageError('--token - read nothing from standard input: pipe the token in, such as printf %s "$TOKEN" | babyhelm login --token -');
    } else {
      token = values.token ?? context.env[TOKEN_VARIABLE];
    }
    if (!token)
      throw new UsageError(
        `login needs a personal access token (create one on the portal's account page): pass --token - and give it on standard input, or set ${TOKEN_VARIABLE}`,
        true,
      );
    if (/\s/.test(token)) throw new UsageError("the token holds white space; give exactly the token the portal showed (it starts with bh_)");

    let user;
    try {
      ({ user } = await new PortalClient(fetchTransport({ baseUrl: url, token, ...(context.io.fetch ? { fetch: context.io.fetch } : {}) })).call(endpoints.getMe));
    } catch (error) {
      if (error instanceof PortalApiError && error.status === 401) {
        throw new CommandFailed([
          `babyhelm login: the portal at ${url} refused the token: ${apiErrorLines(error)[0]}`,
          "Nothing was saved. Create a new token on the portal's account page and log in with it.",
        ]);
      }
      throw error;
    }
    const path = await writeConfig(context.env, { url, token });
    context.out(`Logged in to ${url} as ${user.name} <${user.email}>.`);
    context.out(`Saved the URL and the token in ${path} (mode 0600).`);
    const overrides = [
      context.env[URL_VARIABLE] && context.env[URL_VARIABLE] !== rawUrl ? URL_VARIABLE : undefined,
      context.env[TOKEN_VARIABLE] && context.env[TOKEN_VARIABLE] !== token ? TOKEN_VARIABLE : undefined,
    ].filter(Boolean);
    if (overrides.length > 0)
      context.err(
        `babyhelm: note: ${overrides.join(" and ")} ${overrides.length > 1 ? "are" : "is"} set and override${overrides.length > 1 ? "" : "s"} what was saved; unset ${overrides.length > 1 ? "them" : "it"} to use the saved login.`,
      );
    return EXIT_OK;
  },
};
