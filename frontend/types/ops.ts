import type { components } from "@/types/api.gen";

/** A task that failed for good after its retries (GET jobs/dead-letters). */
export type DeadLetter = components["schemas"]["DeadLetterOut"];
/** The same with what the task was called with and how it failed (GET jobs/dead-letters/{id}). */
export type DeadLetterDetail = components["schemas"]["DeadLetterDetailOut"];
export type DeadLetterPage = components["schemas"]["DeadLetterPage"];

/** Which letters the operations page lists. */
export type DeadLetterView = "pending" | "replayed" | "all";
