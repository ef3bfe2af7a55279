-- CreateTable
CREATE TABLE "InstanceLease" (
    "id" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstanceLease_pkey" PRIMARY KEY ("id")
);
