export * from "./user";
export * from "./ticket";
export * from "./chat";
export * from "./notification";
export * from "./analytics";

export interface ApiErrorBody {
  detail: string;
  code: string;
  errors?: unknown;
}
