-- Staff an administrator marked as able to approve; administrators always approve.
ALTER TABLE "app_user" ADD COLUMN "approver" BOOLEAN NOT NULL DEFAULT false;
