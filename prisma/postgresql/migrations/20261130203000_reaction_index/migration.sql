-- The merge of two branches let a later SQLite table rebuild (transcript) drop
-- this index: it is created again where it is missing (PostgreSQL has it).
CREATE INDEX IF NOT EXISTS "Message_topicChatId_topicMessageId_idx" ON "Message"("topicChatId", "topicMessageId");
