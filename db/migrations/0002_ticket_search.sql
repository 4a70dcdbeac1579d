-- Full-text search over tickets. Chinese has no spaces, so the application
-- writes each ticket's text as overlapping character bigrams (server/tickets/search.ts)
-- and the unicode61 tokenizer indexes those; queries are bigrammed the same way.
-- Contentless: the text lives in `tickets`; rowid = tickets.id.
CREATE VIRTUAL TABLE `ticket_fts` USING fts5(`tokens`, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
