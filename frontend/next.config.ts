import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The app is a client of the API origin only; nothing is proxied through Next.
  output: undefined,
};

export default nextConfig;
