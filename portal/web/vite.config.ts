import vue from "@vitejs/plugin-vue";
import { defaultClientConditions, defineConfig } from "vite";

/** The web app, built into portal/web/dist and served by the portal's Koa server (`npm start` builds it when missing). */
export default defineConfig({
  plugins: [vue()],
  // `@babyhelm/sdk/api` and `/spec` from the SDK's TypeScript sources (its "exports" condition), never a stale dist.
  resolve: { conditions: ["@babyhelm/source", ...defaultClientConditions] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // Importing the SDK registers nothing: a module of it whose exports the app does not use (the ProjectSpec
    // schema, when the page wants parseQuantity alone) stays out of the bundle.
    rolldownOptions: { treeshake: { moduleSideEffects: [{ test: /\/sdk\/src\//, sideEffects: false }] } },
  },
  server: { proxy: { "/api": "http://localhost:8080" } },
});
