-- CreateTable
CREATE TABLE "Broadcast" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "state" TEXT NOT NULL DEFAULT 'DRAFT',
    "sourceMessageId" INTEGER NOT NULL,
    "commandMessageId" INTEGER NOT NULL,
    "excerpt" TEXT NOT NULL,
    "audience" TEXT NOT NULL DEFAULT 'all',
    "nps" BOOLEAN NOT NULL DEFAULT false,
    "scheduledAt" DATETIME,
    "createdById" BIGINT NOT NULL,
    "createdByName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorName" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "pauseReason" TEXT,
    "previewMessageId" INTEGER,
    "controlMessageId" INTEGER,
    "progressMessageId" INTEGER,
    "progressText" TEXT,
    "progressAt" DATETIME
);

-- CreateTable
CREATE TABLE "BroadcastRecipient" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "broadcastId" INTEGER NOT NULL,
    "userId" BIGINT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'PENDING',
    "messageId" INTEGER,
    "questionMessageId" INTEGER,
    "sentAt" DATETIME,
    "error" TEXT,
    CONSTRAINT "BroadcastRecipient_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "BroadcastRecipient_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NpsAnswer" (
    "broadcastId" INTEGER NOT NULL,
    "userId" BIGINT NOT NULL,
    "score" INTEGER NOT NULL,
    "answeredAt" DATETIME NOT NULL,

    PRIMARY KEY ("broadcastId", "userId"),
    CONSTRAINT "NpsAnswer_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "NpsAnswer_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Broadcast_state_scheduledAt_idx" ON "Broadcast"("state", "scheduledAt");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_state_id_idx" ON "BroadcastRecipient"("broadcastId", "state", "id");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_broadcastId_sentAt_idx" ON "BroadcastRecipient"("broadcastId", "sentAt");

-- CreateIndex
CREATE INDEX "BroadcastRecipient_userId_messageId_idx" ON "BroadcastRecipient"("userId", "messageId");

-- CreateIndex
CREATE UNIQUE INDEX "BroadcastRecipient_broadcastId_userId_key" ON "BroadcastRecipient"("broadcastId", "userId");

-- CreateIndex
CREATE INDEX "NpsAnswer_answeredAt_idx" ON "NpsAnswer"("answeredAt");
