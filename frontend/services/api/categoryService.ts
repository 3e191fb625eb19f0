import { queryOptions } from "@tanstack/react-query";
import { api } from "./axiosClient";
import { queryKeys } from "./queryKeys";
import { expectArray, expectShape } from "./contract";
import type { CategoryFieldInput, RequestCategory } from "@/types/ticket";

/** The request forms (DESIGN §10): every category with its fields; readable by everyone. */
export async function listCategories(): Promise<RequestCategory[]> {
  const { data } = await api.get("/categories");
  const page = expectShape<{ items: unknown[] }>(data, { items: "array" }, "CategoryPage");
  return expectArray(page.items, "CategoryPage.items").map(toCategory);
}

function toCategory(raw: unknown): RequestCategory {
  return expectShape<RequestCategory>(raw, {
    id: "string", department_id: "string", name_en: "string", name_ur: "string", fields: "array", version: "number",
    sets_amount: "boolean",
  }, "CategoryOut");
}

export interface CategoryInput {
  department_id: string;
  name_en: string;
  name_ur: string;
  fields: CategoryFieldInput[];
}

export async function saveCategory(input: CategoryInput, existing?: { id: string; version: number }): Promise<RequestCategory> {
  const { data } = existing
    ? await api.patch(`/categories/${existing.id}`, { ...input, version: existing.version })
    : await api.post("/categories", input);
  return toCategory(data);
}

export async function deleteCategory(id: string): Promise<void> {
  await api.delete(`/categories/${id}`);
}

export const categoryQueries = {
  list: () => queryOptions({ queryKey: queryKeys.categories, queryFn: listCategories, staleTime: 60_000 }),
};
