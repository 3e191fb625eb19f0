import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(path.dirname(new URL(import.meta.url).pathname), ".") } },
  // The components use JSX (tsconfig keeps it for Next.js); tests that render them need it compiled.
  esbuild: { jsx: "automatic" },
  oxc: { jsx: { runtime: "automatic" } },
  test: {
    environment: "jsdom",
    include: ["tests/unit/**/*.test.ts", "tests/unit/**/*.test.tsx"],
    watch: false,
  },
});
