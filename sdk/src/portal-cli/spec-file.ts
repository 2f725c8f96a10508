/** Reading a spec file for the CLI's commands: a path, or "-" for standard input; errors say why in words. */
import { readFile } from "node:fs/promises";

/** `shown`: the name messages give the file (what the user typed), when `file` is that resolved. */
export async function readSpecFile(file: string, shown = file): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new Error(`cannot read ${shown}: ${reason}`, { cause: error });
  }
}
