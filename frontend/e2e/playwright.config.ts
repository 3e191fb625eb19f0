import { defineConfig } from "@playwright/test";

// Never downloads a browser: runs the system's Chromium (Debian package).
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 240_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_WEB_ORIGIN || "http://127.0.0.1:3000",
    actionTimeout: 20_000,
    navigationTimeout: 60_000,
    trace: "off",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
