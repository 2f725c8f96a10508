/** `babyhelm export`: downloads the project as a ready `pulumi up` repository (a tar.gz). */
import { writeFile } from "node:fs/promises";
import { endpoints } from "../api/index.js";
import { parseCommandArgs } from "./args.js";
import type { PortalCommand } from "./context.js";
import { CommandFailed, EXIT_OK } from "./errors.js";

export const exportProject: PortalCommand = {
  name: "export",
  synopsis: "babyhelm export PROJECT [-o FILE]",
  summary: "download the project as a `pulumi up` repository (tar.gz)",
  usage: `Usage: babyhelm export PROJECT [-o FILE]

Downloads PROJECT as a tar.gz of a ready \`pulumi up\` repository (package.json, Pulumi.yaml, index.ts,
spec.yaml; secret names, never their values: its README says how to set them). Owners only.
  -o, --output FILE  where to write it (default PROJECT.tar.gz in the current directory; replaced if it exists)
`,
  async run(args, context) {
    const { values, named } = parseCommandArgs("export", args, { output: { type: "string", short: "o" } }, ["PROJECT"]);
    const { client } = await context.connect();
    const archive = await client.call(endpoints.exportProject, { params: { name: named.PROJECT } });
    const file = values.output ?? `${named.PROJECT}.tar.gz`;
    try {
      await writeFile(context.path(file), archive);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === "ENOENT" ? "its directory does not exist" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
      throw new CommandFailed([`babyhelm export: cannot write ${file}: ${reason}; pick another place with -o FILE`]);
    }
    context.out(`Wrote ${file} (${archive.byteLength} bytes): unpack it with tar -xzf ${file}, then read its README.md.`);
    return EXIT_OK;
  },
};
