-- E-mails recorded while the dev mailbox kept their live links: the link becomes the placeholder every other record
-- carries, and the mailbox derives it again from the nonce when an operator opens the e-mail. A link is the URL up to
-- its path, then the 43 base64url characters of the token.
UPDATE "outbound_emails"
SET "html" = regexp_replace("html", 'https?://[^"''<>[:space:]]*' || replace("link"->>'path', '{token}', '') || '[A-Za-z0-9_-]{43}', '[link removed after sending]', 'g'),
    "text" = regexp_replace("text", 'https?://[^"''<>[:space:]]*' || replace("link"->>'path', '{token}', '') || '[A-Za-z0-9_-]{43}', '[link removed after sending]', 'g')
WHERE "link" IS NOT NULL AND ("html" IS NOT NULL OR "text" IS NOT NULL);
