-- CreateTable
CREATE TABLE "QueueBoard" (
    "chatId" BIGINT NOT NULL PRIMARY KEY,
    "messageId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL
);
