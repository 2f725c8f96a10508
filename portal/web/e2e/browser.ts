/**
 * What the browser tests need besides the portal: a fresh build of the web app where the server serves it,
 * Debian's chromium driven by playwright-core, a port known before the portal starts (so PUBLIC_URL, and the
 * links in its e-mails, point at the portal itself), and full-page screenshots in test-output/e2e.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { WEB_DIST, WEB_ROOT } from "../../server/src/http/web.js";
export { freePort } from "../../server/src/db/embedded.js";

export const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");
export const SCREENSHOTS = join(REPO_ROOT, "test-output", "e2e");

/** Hashed files of earlier builds younger than this stay: a portal started from one may still be serving it. */
const KEEP_EARLIER_BUILDS_MS = 15 * 60_000;

/**
 * Builds the current sources into portal/web/dist (what the Koa server serves), as production code: vitest
 * sets NODE_ENV=test, and Vite would otherwise build Vue's development bundle, which users never get. The
 * folder is not emptied first, so another portal serving the previous build at the same moment keeps working;
 * files of earlier builds are removed once they are old.
 */
export async function buildWebApp(): Promise<void> {
  const { build } = await import("vite");
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  let output: Awaited<ReturnType<typeof build>>;
  try {
    output = await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, "vite.config.ts"), logLevel: "warn", build: { emptyOutDir: false } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const built = new Set((Array.isArray(output) ? output : [output]).flatMap((result) => ("output" in result ? result.output.map((file) => file.fileName) : [])));
  const assets = join(WEB_DIST, "assets");
  for (const name of existsSync(assets) ? readdirSync(assets) : []) {
    const path = join(assets, name);
    if (!built.has(`assets/${name}`) && Date.now() - statSync(path).mtimeMs > KEEP_EARLIER_BUILDS_MS) rmSync(path, { force: true });
  }
}

/** A loopback port free right now, for a server that must know its own URL before it listens. */

/** Flags for a headless chromium on a shared CI machine (DESIGN.md §2). */
export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Empties test-output/e2e, so every screenshot there comes from the last run. */
export function freshScreenshotFolder(): string {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return SCREENSHOTS;
}

/** A full-page PNG named after the step; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/** How far the page is wider than the viewport (0 when nothing overflows sideways). */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string[] }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    // The elements that stick out, to say what overflows when something does.
    const widest = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((element) => element.getBoundingClientRect().right > innerWidth + 0.5)
      .slice(0, 5)
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(" ").join(".")}` : ""} (right ${Math.round(element.getBoundingClientRect().right)})`,
      );
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, widest };
  });
}
