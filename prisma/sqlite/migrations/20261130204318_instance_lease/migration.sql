-- CreateTable
CREATE TABLE "InstanceLease" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "state" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
