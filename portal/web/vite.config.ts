import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

/** The web app, built into portal/web/dist and served by the portal's Koa server (`npm start` builds it when missing). */
export default defineConfig({
  plugins: [vue()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  server: { proxy: { "/api": "http://localhost:8080" } },
});
