/**
 * A ticket on the page never goes back to an older version: a read that left before a change and
 * answered after it (a refetch racing the requestor's confirm) keeps the newer ticket.
 */
import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { ticketQueries } from "@/services/api/ticketService";
import type { Ticket } from "@/types/ticket";
import { ticketPayload } from "./fixtures";
import { toTicket } from "@/services/api/mappers";

function ticketAt(version: number, status: "resolved" | "closed" | "in_progress"): Ticket {
  return toTicket(ticketPayload({ id: "t-versions", version, status }));
}

describe("the ticket detail cache", () => {
  it("keeps the newer version whichever answer comes last", () => {
    const client = new QueryClient();
    const options = ticketQueries.detail("t-versions");
    client.getQueryCache().build(client, options as never);  // the query as the page makes it
    const resolved = ticketAt(7, "resolved");
    const closed = ticketAt(8, "closed");
    client.setQueryData(options.queryKey, resolved);
    client.setQueryData(options.queryKey, closed);      // the confirm's answer
    client.setQueryData(options.queryKey, resolved);    // the older read, answering late
    expect(client.getQueryData<Ticket>(options.queryKey)?.status).toBe("closed");
    const reopened = ticketAt(9, "in_progress");
    client.setQueryData(options.queryKey, reopened);    // a newer version still replaces it
    expect(client.getQueryData<Ticket>(options.queryKey)?.status).toBe("in_progress");
  });
});
