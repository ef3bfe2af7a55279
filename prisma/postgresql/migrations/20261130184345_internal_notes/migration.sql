-- AlterEnum
ALTER TYPE "Direction" ADD VALUE 'NOTE';
