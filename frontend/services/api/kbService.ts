import { api } from "./axiosClient";
import type { components } from "@/types/api.gen";

type Schemas = components["schemas"];
export type Article = Schemas["ArticleOut"];
export type ArticlePage = Schemas["ArticlePageOut"];
export type ArticleInput = Schemas["ArticleIn"];
export type ArticleChange = Schemas["ArticlePatch"];
export type ArticleRevision = Schemas["ArticleRevisionOut"];
export type KbSuggestion = Schemas["KbSuggestOut"];

/** Published articles (and, for those who may write them, drafts); `q` searches English, Urdu and Roman Urdu. */
export async function listArticles(params: { q?: string; page?: number; published?: boolean } = {}): Promise<ArticlePage> {
  const { data } = await api.get<ArticlePage>("/kb/articles", {
    params: {
      ...(params.q ? { q: params.q } : {}),
      ...(params.page ? { page: params.page } : {}),
      ...(params.published ? { status: "published" } : {}),
    },
  });
  return data;
}

export async function getArticle(id: string): Promise<Article> {
  const { data } = await api.get<Article>(`/kb/articles/${id}`);
  return data;
}

export async function createArticle(input: ArticleInput): Promise<Article> {
  const { data } = await api.post<Article>("/kb/articles", input);
  return data;
}

export async function updateArticle(id: string, change: ArticleChange): Promise<Article> {
  const { data } = await api.patch<Article>(`/kb/articles/${id}`, change);
  return data;
}

export async function deleteArticle(id: string): Promise<void> {
  await api.delete(`/kb/articles/${id}`);
}

export async function listRevisions(id: string): Promise<ArticleRevision[]> {
  const { data } = await api.get<Schemas["ArticleRevisionListOut"]>(`/kb/articles/${id}/revisions`);
  return data.items;
}

/** "Did this help?" (and "this solved it"): one answer per reader, a repeat changes nothing. */
export async function sendFeedback(id: string, helpful: boolean, solved = false): Promise<Article> {
  const { data } = await api.post<Article>(`/kb/articles/${id}/feedback`, { helpful, solved });
  return data;
}

/** Published articles and the caller's own open tickets that look like a request being written. */
export async function suggest(text: string): Promise<KbSuggestion> {
  const { data } = await api.get<KbSuggestion>("/kb/suggest", { params: { text } });
  return data;
}

/** The article's title and body in the reader's language, English where there is no Urdu. */
export function localised(article: Pick<Article, "title_en" | "title_ur" | "body_en" | "body_ur">, locale: string) {
  const urdu = locale === "ur";
  return {
    title: urdu && article.title_ur ? article.title_ur : article.title_en,
    body: urdu && article.body_ur ? article.body_ur : article.body_en,
  };
}

/** What an agent's reply carries to point at an article: its titles and its address on this desk. */
export function articleLinkText(article: Pick<Article, "id" | "title_en" | "title_ur">, origin: string): string {
  const titles = article.title_ur ? `${article.title_en} / ${article.title_ur}` : article.title_en;
  return `${titles}: ${origin}/kb/${article.id}`;
}
