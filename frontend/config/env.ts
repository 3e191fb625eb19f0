import { z } from "zod";

const envSchema = z.object({
  NEXT_PUBLIC_API_ORIGIN: z.string().url().default("http://127.0.0.1:8000"),
});

// Next inlines NEXT_PUBLIC_* only when referenced literally, so read it by name here.
const parsed = envSchema.safeParse({
  NEXT_PUBLIC_API_ORIGIN: process.env.NEXT_PUBLIC_API_ORIGIN || undefined,
});

if (!parsed.success) {
  throw new Error(`Invalid frontend environment: ${parsed.error.message}`);
}

const apiOrigin = parsed.data.NEXT_PUBLIC_API_ORIGIN.replace(/\/+$/, "");

export const env = {
  apiOrigin,
  apiBaseUrl: `${apiOrigin}/api/v1`,
  wsOrigin: apiOrigin.replace(/^http/, "ws"),
} as const;
