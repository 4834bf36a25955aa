// A notice's body is Markdown written by a partner and shown inside other companies' pages: rendered with a maintained
// parser, then cut down to an allow-list, so no script, style, frame or event handler survives whatever was written.
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

const marked = new Marked({ gfm: true, breaks: true, async: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: { a: ["href", "title"], th: ["align"], td: ["align"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  // Links leave the product in a new tab and tell the target nothing about where they came from.
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }, true) },
  disallowedTagsMode: "discard",
};

export function renderNoticeMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, {
    ...ALLOWED,
    allowedAttributes: { ...ALLOWED.allowedAttributes, a: ["href", "title", "rel", "target"] },
  });
}

/** The body as plain text (e-mail text parts, CSV): the rendered, sanitised HTML without tags. */
export function noticePlainText(markdown: string): string {
  return sanitizeHtml(renderNoticeMarkdown(markdown).replace(/<\/(p|li|h\d|tr|blockquote|pre)>/g, "\n"), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
