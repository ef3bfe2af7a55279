-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT,
    "username" TEXT,
    "languageCode" TEXT,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "chosenCategoryId" INTEGER,
    "bannedAt" DATETIME,
    "bannedById" BIGINT,
    "banReason" TEXT,
    "banNoticeAt" DATETIME,
    CONSTRAINT "User_bannedById_fkey" FOREIGN KEY ("bannedById") REFERENCES "Manager" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_User" ("blocked", "chosenCategoryId", "firstName", "firstSeenAt", "id", "languageCode", "lastName", "lastSeenAt", "messageCount", "username") SELECT "blocked", "chosenCategoryId", "firstName", "firstSeenAt", "id", "languageCode", "lastName", "lastSeenAt", "messageCount", "username" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
