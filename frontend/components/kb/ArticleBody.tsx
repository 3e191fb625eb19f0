"use client";

/**
 * An article's rich text. The server sanitised it on the way in (nh3 allow list: headings,
 * paragraphs, lists, links, tables; no script, style, image or event attribute), so it is shown as
 * the server stored it.
 */
export function ArticleBody({ html, className }: { html: string; className?: string }) {
  return (
    <div
      dir="auto"
      data-testid="article-body"
      className={`space-y-2 text-sm leading-relaxed [&_a]:text-primary [&_a]:underline [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:ps-6 [&_ul]:list-disc [&_ul]:ps-6 ${className ?? ""}`}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
