/**
 * The chat box keeps a typist's words in order after it inserts a mention. The caret was placed a
 * frame after the mention went in; a key typed within that frame landed after the caret, which then
 * moved back, so "@mod1 Warranty" was sent as "@mod1 arrantyW" (seen in the browser story, one run
 * in twelve). Real React in jsdom; keys are typed where the caret is, as a browser types them.
 */
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, expect, it } from "vitest";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ChatComposer } from "@/components/common/ChatComposer";
import { queryKeys } from "@/services/api/queryKeys";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let host: HTMLDivElement;
let root: Root;

beforeEach(() => {
  host = document.createElement("div");
  document.body.appendChild(host);
  root = createRoot(host);
});

afterEach(async () => {
  await act(async () => root.unmount());
  host.remove();
});

const box = () => host.querySelector<HTMLTextAreaElement>('[data-testid="chat-input"]')!;

/** Types `text` at the caret, as a key press does: React's onChange sees the new value and caret. */
async function type(text: string) {
  for (const key of text) {
    await act(async () => {
      const el = box();
      const at = el.selectionStart ?? el.value.length;
      const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
      setValue.call(el, el.value.slice(0, at) + key + el.value.slice(el.selectionEnd ?? at));
      el.setSelectionRange(at + 1, at + 1);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
}

async function press(key: string) {
  await act(async () => {
    box().dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  });
}

/** Longer than a frame: anything the box deferred to the next frame has run. */
const aFrameLater = () => act(async () => new Promise((resolve) => setTimeout(resolve, 50)));

it("keeps the words typed right after a picked mention in the order they were typed", async () => {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const moderator = { id: "u-mod1", employee_code: "mod1", full_name: "Moderator One" };
  client.setQueryData(queryKeys.tickets.mentionable("t1", "mod1", true), [moderator]);
  const sent: string[] = [];
  await act(async () =>
    root.render(
      <QueryClientProvider client={client}>
        <ChatComposer
          ticketId="t1"
          roomId="t1"
          canPost={false}
          canNote
          mayUseCanned={false}
          onSend={(body) => sent.push(body)}
          onTyping={() => {}}
        />
      </QueryClientProvider>,
    ),
  );
  await act(async () => box().focus());

  await type("@mod1");
  expect(host.querySelector('[data-testid="mention-suggestions"]')?.textContent).toContain("@mod1");
  await press("Enter");
  expect(box().value).toBe("@mod1 ");
  // The next key comes before the browser paints again.
  await type("W");
  await aFrameLater();
  await type("arranty");
  expect(box().value).toBe("@mod1 Warranty");
  expect(box().selectionStart).toBe("@mod1 Warranty".length);

  await press("Enter");
  expect(sent).toEqual(["@mod1 Warranty"]);
});
