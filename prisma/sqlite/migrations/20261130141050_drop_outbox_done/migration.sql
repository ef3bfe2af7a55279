-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "queue" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "coalesceKey" TEXT,
    "state" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_OutboxJob" ("attempts", "coalesceKey", "createdAt", "id", "kind", "lastError", "nextAttemptAt", "payload", "queue", "state") SELECT "attempts", "coalesceKey", "createdAt", "id", "kind", "lastError", "nextAttemptAt", "payload", "queue", "state" FROM "OutboxJob";
DROP TABLE "OutboxJob";
ALTER TABLE "new_OutboxJob" RENAME TO "OutboxJob";
CREATE INDEX "OutboxJob_state_id_idx" ON "OutboxJob"("state", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
