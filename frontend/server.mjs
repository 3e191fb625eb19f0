// The web app's server: serves the built Next.js app and, on the same origin, proxies the API's
// paths (/api/, /ws/ WebSocket upgrades, /static/) to the API. The browser only ever talks to this
// origin, so one build serves every deployment: the API's address is read here, at start, from
//   HDMS_API_INTERNAL_URL (default http://127.0.0.1:${HDMS_API_PORT:-8000}).
// Behind the nginx gateway those paths never reach this server (the gateway routes them itself).
// Next's own rewrites cannot do this: `next build` writes them into .next/routes-manifest.json,
// so their destination would be baked into the build.
//
//   node server.mjs [--dev]   HDMS_WEB_HOST (default 127.0.0.1; 0.0.0.0 in a container),
//                             HDMS_WEB_PORT (default 3000)
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import httpProxy from "http-proxy";
import next from "next";

export const PROXIED_PREFIXES = ["/api/", "/ws/", "/static/"];

export function isProxied(url = "") {
  return PROXIED_PREFIXES.some((prefix) => url.startsWith(prefix));
}

export function apiTarget(env = process.env) {
  const target = env.HDMS_API_INTERNAL_URL || `http://127.0.0.1:${env.HDMS_API_PORT || 8000}`;
  return target.replace(/\/+$/, "");
}

function badGateway(res, error) {
  if (res.headersSent || typeof res.writeHead !== "function") {
    res.destroy?.();
    return;
  }
  // DESIGN §4: a part the request needs is down.
  res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "5" });
  res.end(JSON.stringify({ detail: `The API is unreachable (${error.code ?? error.message}).`, code: "service_unavailable" }));
}

export async function startServer({
  host = process.env.HDMS_WEB_HOST || "127.0.0.1",
  port = Number(process.env.HDMS_WEB_PORT || 3000),
  target = apiTarget(),
  dir = path.dirname(fileURLToPath(import.meta.url)),
  dev = false,
} = {}) {
  const app = next({ dev, dir, hostname: host, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  // X-Real-IP is what the API reads for the client address, only from the proxies it trusts
  // (HDMS_TRUSTED_PROXIES): scripts/run.sh makes this server connect from its own loopback address
  // (HDMS_PROXY_SOURCE_ADDRESS, 127.0.0.2) and trusts that one alone. xfwd adds X-Forwarded-For/-Proto/-Host.
  const localAddress = process.env.HDMS_PROXY_SOURCE_ADDRESS || undefined;
  const proxy = httpProxy.createProxyServer({ target, xfwd: true, ws: true, proxyTimeout: 120_000, localAddress });
  proxy.on("proxyReq", (proxyReq, req) => proxyReq.setHeader("X-Real-IP", req.socket.remoteAddress ?? ""));
  proxy.on("proxyReqWs", (proxyReq, req) => proxyReq.setHeader("X-Real-IP", req.socket.remoteAddress ?? ""));
  proxy.on("error", (error, _req, res) => badGateway(res, error));

  const server = http.createServer((req, res) => {
    if (isProxied(req.url)) proxy.web(req, res);
    else handle(req, res);
  });
  server.on("upgrade", (req, socket, head) => {
    if (req.url?.startsWith("/ws/")) proxy.ws(req, socket, head);
    else if (dev) app.getUpgradeHandler()(req, socket, head); // hot reload
    else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  console.log(`HDMS web app on http://${host}:${port} (API paths proxied to ${target})`);
  return server;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dev = process.argv.includes("--dev");
  process.env.NODE_ENV = dev ? "development" : "production";
  const server = await startServer({ dev });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
