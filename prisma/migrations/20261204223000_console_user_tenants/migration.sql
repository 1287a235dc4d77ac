-- Tenant scoping for console users: the tenants a non-admin user may see and act on. Empty (the
-- default, so existing users keep seeing every tenant) means every tenant; admins always see every
-- tenant whatever is stored. The console checks it on every route (apps/console/src/auth/tenant-scope.ts).
ALTER TABLE "users" ADD COLUMN "tenant_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];
